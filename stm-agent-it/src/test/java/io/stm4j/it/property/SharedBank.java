package io.stm4j.it.property;

import io.stm4j.Atomic;
import io.stm4j.Shared;
import io.stm4j.testkit.EngineAudit;

/** {@link Bank} on annotated classes: {@code @Shared} fields, {@code @Atomic} methods, nested calls. */
final class SharedBank implements Bank {
    private final SharedAccount[] accounts;
    private final SharedCount[] stripes;
    @Shared long lastAudit;

    SharedBank(int n, long initial, int nStripes) {
        accounts = new SharedAccount[n];
        for (int i = 0; i < n; i++) {
            accounts[i] = new SharedAccount(initial);
        }
        stripes = new SharedCount[nStripes];
        for (int i = 0; i < nStripes; i++) {
            stripes[i] = new SharedCount();
        }
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
    public void deposit(int i, long amount) {
        accounts[i].deposit(amount);
    }

    @Override
    public void withdraw(int i, long amount) {
        accounts[i].withdraw(amount);
    }

    @Override
    @Atomic
    public void transfer(int stripe, int from, int to, long amount) {
        accounts[to].deposit(amount);
        SharedAccount f = accounts[from];
        long old = f.balance;
        f.balance = POISON;
        f.balance = old;
        f.withdraw(amount);
        stripes[stripe].n++;
    }

    @Override
    public long audit(boolean readOnly, AuditCheck check) {
        return readOnly ? auditReadOnly(check) : auditReadWrite(check);
    }

    @Atomic(readOnly = true)
    private long auditReadOnly(AuditCheck check) {
        return sum(check);
    }

    @Atomic
    private long auditReadWrite(AuditCheck check) {
        long s = sum(check);
        lastAudit = s;
        return s;
    }

    private long sum(AuditCheck check) {
        long sum = 0;
        long min = Long.MAX_VALUE;
        for (SharedAccount a : accounts) {
            long b = a.balance;
            sum += b;
            min = Math.min(min, b);
        }
        long transfers = 0;
        for (SharedCount c : stripes) {
            transfers += c.n;
        }
        check.seen(sum, min, transfers);
        return sum;
    }

    @Override
    public long stripe(int stripe) {
        return stripes[stripe].n;
    }

    @Override
    public int assertNoCellLocked() {
        Object[] all = new Object[accounts.length + stripes.length + 1];
        System.arraycopy(accounts, 0, all, 0, accounts.length);
        System.arraycopy(stripes, 0, all, accounts.length, stripes.length);
        all[all.length - 1] = this;
        return EngineAudit.assertUnlocked(all);
    }
}
