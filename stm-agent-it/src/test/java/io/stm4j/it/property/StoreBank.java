package io.stm4j.it.property;

import io.stm4j.Stm;
import io.stm4j.Store;
import io.stm4j.Value;
import io.stm4j.testkit.EngineAudit;

/** {@link Bank} on the explicit store API: keys of a private store, {@code Stm.atomic} blocks that nest. */
final class StoreBank implements Bank {
    private final Store store = Store.create();
    private final String[] accounts;
    private final String[] stripes;

    StoreBank(int n, long initial, int nStripes) {
        accounts = new String[n];
        for (int i = 0; i < n; i++) {
            accounts[i] = "account-" + i;
            Value<Long> v = store.useVar(accounts[i]);
            v.set(initial);
            v.commit();
        }
        stripes = new String[nStripes];
        for (int i = 0; i < nStripes; i++) {
            stripes[i] = "stripe-" + i;
            Value<Long> v = store.useVar(stripes[i]);
            v.set(0L);
            v.commit();
        }
    }

    @Override
    public int size() {
        return accounts.length;
    }

    @Override
    public long balance(int i) {
        return store.<Long>useVar(accounts[i]).get();
    }

    @Override
    public void deposit(int i, long amount) {
        Stm.atomic(() -> {
            Value<Long> v = store.useVar(accounts[i]);
            v.set(v.get() + amount);
            v.commit();
        });
    }

    @Override
    public void withdraw(int i, long amount) {
        Stm.atomic(() -> {
            Value<Long> v = store.useVar(accounts[i]);
            long left = v.get() - amount;
            v.set(left);
            v.commit();
            if (left < 0) {
                throw new Insufficient("balance would be " + left);
            }
        });
    }

    @Override
    public void transfer(int stripe, int from, int to, long amount) {
        Stm.atomic(() -> {
            deposit(to, amount);
            Value<Long> f = store.useVar(accounts[from]);
            long old = f.get();
            f.set(POISON);
            f.commit();
            f.set(old);
            f.commit();
            withdraw(from, amount);
            Value<Long> c = store.useVar(stripes[stripe]);
            c.set(c.get() + 1);
            c.commit();
        });
    }

    @Override
    public long audit(boolean readOnly, AuditCheck check) {
        if (readOnly) {
            // the public way to a read-only transaction is @Atomic(readOnly = true)
            return ReadOnly.call(() -> sum(check));
        }
        return Stm.atomic(() -> {
            long s = sum(check);
            Value<Long> last = store.useVar("lastAudit");
            last.set(s);
            last.commit();
            return s;
        });
    }

    private long sum(AuditCheck check) {
        long sum = 0;
        long min = Long.MAX_VALUE;
        for (String k : accounts) {
            long b = store.<Long>useVar(k).get();
            sum += b;
            min = Math.min(min, b);
        }
        long transfers = 0;
        for (String k : stripes) {
            transfers += store.<Long>useVar(k).get();
        }
        check.seen(sum, min, transfers);
        return sum;
    }

    @Override
    public long stripe(int stripe) {
        return store.<Long>useVar(stripes[stripe]).get();
    }

    @Override
    public int assertNoCellLocked() {
        return EngineAudit.assertUnlocked(store);
    }
}
