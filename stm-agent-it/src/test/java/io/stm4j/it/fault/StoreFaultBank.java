package io.stm4j.it.fault;

import io.stm4j.BusyRetry;
import io.stm4j.ConcurrentUpdate;
import io.stm4j.Stm;
import io.stm4j.Store;
import io.stm4j.Value;
import io.stm4j.testkit.EngineAudit;
import io.stm4j.testkit.ThreadKind;

/**
 * {@link FaultBank} on the store API: {@code Stm.atomic} blocks, nested for the journal; checked
 * exceptions leave the lambdas undeclared ({@link Script#sneaky}).
 */
final class StoreFaultBank implements FaultBank {
    private final Store store = Store.create();
    private final String[] accounts;

    StoreFaultBank(int n, long initial) {
        accounts = new String[n];
        for (int i = 0; i < n; i++) {
            accounts[i] = "account-" + i;
        }
        Stm.atomic(() -> {
            for (String a : accounts) {
                put(a, initial);
            }
            put("journal", 0L);
        });
    }

    private long get(String key) {
        return store.<Long>useVar(key).get();
    }

    private void put(String key, long v) {
        Value<Long> x = store.useVar(key);
        x.set(v);
        x.commit();
    }

    @Override
    public void transfer(int from, int to, long amount, Script s) {
        Stm.atomic(() -> {
            try {
                body(from, to, amount, s);
            } catch (Exception e) {
                throw Script.<RuntimeException>sneaky(e);
            }
        });
    }

    private void body(int from, int to, long amount, Script s) throws Exception {
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
        long a = get(accounts[from]);
        long b = get(accounts[to]);
        s.at(Point.AFTER_READS);
        put(accounts[from], a - amount);
        s.at(Point.AFTER_SOME_WRITES);
        put(accounts[to], b + amount);
        s.at(Point.AFTER_ALL_WRITES);
        if (!s.catchNested) {
            record(s);
            return;
        }
        long before = get("journal");
        try {
            record(s);
        } catch (Throwable e) {
            if (e != s.injected()) {
                throw e;
            }
            if (get("journal") != before) {
                s.log("inner-not-undone");
            }
        }
    }

    private void record(Script s) {
        Stm.atomic(() -> {
            Stm.afterRollback(() -> s.log("nested-rollback"));
            put("journal", get("journal") + 1);
            s.hook(Point.IN_NESTED);
        });
    }

    @Override
    public int size() {
        return accounts.length;
    }

    @Override
    public long balance(int i) {
        return get(accounts[i]);
    }

    @Override
    public long journal() {
        return get("journal");
    }

    @Override
    public long[] snapshot() {
        return Stm.atomic(() -> {
            long[] s = new long[accounts.length + 1];
            for (int i = 0; i < accounts.length; i++) {
                s[i] = get(accounts[i]);
            }
            s[accounts.length] = get("journal");
            return s;
        });
    }

    @Override
    public void touch(int i) {
        while (true) {
            try {
                store.useVar(accounts[i]).commit(); // same value, next version
                return;
            } catch (ConcurrentUpdate | BusyRetry e) {
                ThreadKind.pause();
            }
        }
    }

    @Override
    public int assertNoCellLocked() {
        return EngineAudit.assertUnlocked(store);
    }
}
