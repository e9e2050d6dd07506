package io.stm4j.it.fault;

import io.stm4j.Atomic;
import io.stm4j.Shared;
import io.stm4j.Stm;
import io.stm4j.testkit.EngineAudit;

/** {@link FaultBank} on annotated classes: {@code @Shared} balances and journal, {@code @Atomic} methods. */
final class SharedFaultBank implements FaultBank {
    static final class Account {
        @Shared long balance;

        Account(long balance) {
            this.balance = balance;
        }
    }

    private final Account[] accounts;
    @Shared long journal;

    SharedFaultBank(int n, long initial) {
        accounts = new Account[n];
        for (int i = 0; i < n; i++) {
            accounts[i] = new Account(initial);
        }
    }

    @Override
    @Atomic
    public void transfer(int from, int to, long amount, Script s) throws Exception {
        Stm.afterCommit(() -> {
            s.log("commit-1");
            s.hook(Point.IN_AFTER_COMMIT);
        });
        Stm.afterCommit(() -> s.log("commit-2"));
        Stm.afterRollback(() -> {
            s.log("rollback-1");
            s.hook(Point.IN_AFTER_ROLLBACK);
        });
        Stm.afterRollback(() -> s.log("rollback-2"));
        s.at(Point.BEFORE_ANY_ACCESS);
        long a = accounts[from].balance;
        long b = accounts[to].balance;
        s.at(Point.AFTER_READS);
        accounts[from].balance = a - amount;
        s.at(Point.AFTER_SOME_WRITES);
        accounts[to].balance = b + amount;
        s.at(Point.AFTER_ALL_WRITES);
        if (!s.catchNested) {
            record(s);
            return;
        }
        long before = journal;
        try {
            record(s);
        } catch (Throwable e) {
            if (e != s.injected()) {
                throw e;
            }
            if (journal != before) {
                s.log("inner-not-undone");
            }
        }
    }

    @Atomic
    private void record(Script s) throws Exception {
        Stm.afterRollback(() -> s.log("nested-rollback"));
        journal++;
        s.at(Point.IN_NESTED);
    }

    @Override
    public int size() {
        return accounts.length;
    }

    @Override
    public long balance(int i) {
        return accounts[i].balance;
    }

    @Override
    public long journal() {
        return journal;
    }

    @Override
    @Atomic(readOnly = true)
    public long[] snapshot() {
        long[] s = new long[accounts.length + 1];
        for (int i = 0; i < accounts.length; i++) {
            s[i] = accounts[i].balance;
        }
        s[accounts.length] = journal;
        return s;
    }

    @Override
    public void touch(int i) {
        Account a = accounts[i];
        a.balance = a.balance; // a plain read and a plain write, each committed on its own
    }

    @Override
    public int assertNoCellLocked() {
        Object[] all = new Object[accounts.length + 1];
        System.arraycopy(accounts, 0, all, 0, accounts.length);
        all[accounts.length] = this;
        return EngineAudit.assertUnlocked(all);
    }
}
