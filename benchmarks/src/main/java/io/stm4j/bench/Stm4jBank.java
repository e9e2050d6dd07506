package io.stm4j.bench;

import io.stm4j.Stm;
import io.stm4j.Store;
import io.stm4j.Value;

/**
 * stm4j through the user-facing facade: {@link Stm#atomic} blocks over the explicit keyed store
 * ({@link Store#create()}, {@link Store#useVar}, {@link Value#commit()}). Keys {@code acct-0} ..
 * {@code acct-1023}, {@code counter}, {@code hot-0} .. {@code hot-3}; values are {@code Long}s.
 */
class Stm4jBank implements Bank {
    static final String COUNTER = "counter";
    static final String[] ACCT = keys("acct-", ACCOUNTS);
    static final String[] HOT_KEYS = keys("hot-", HOT);

    final Store store = Store.create();

    Stm4jBank() {
        Stm.atomic(() -> {
            put(COUNTER, 0L);
            for (String k : ACCT) {
                put(k, INITIAL);
            }
            for (String k : HOT_KEYS) {
                put(k, 0L);
            }
        });
    }

    private static String[] keys(String prefix, int n) {
        String[] ks = new String[n];
        for (int i = 0; i < n; i++) {
            ks[i] = prefix + i;
        }
        return ks;
    }

    private void put(String key, long v) {
        Value<Long> x = store.useVar(key);
        x.set(v);
        x.commit();
    }

    final long get(String key) {
        Value<Long> x = store.useVar(key);
        return x.get();
    }

    private void add(String key, long delta) {
        Value<Long> x = store.useVar(key);
        x.set(x.get() + delta);
        x.commit();
    }

    final long sumOf(int[] accounts) {
        long s = 0;
        for (int i : accounts) {
            s += get(ACCT[i]);
        }
        return s;
    }

    @Override
    public long readCounter() {
        return Stm.atomic(() -> get(COUNTER));
    }

    @Override
    public void incCounter() {
        Stm.atomic(() -> add(COUNTER, 1L));
    }

    @Override
    public void transfer(int from, int to) {
        Stm.atomic(() -> {
            add(ACCT[from], -1L);
            add(ACCT[to], 1L);
        });
    }

    @Override
    public long sum(int[] accounts) {
        return Stm.atomic(() -> sumOf(accounts));
    }

    @Override
    public void incHot() {
        Stm.atomic(() -> {
            for (String k : HOT_KEYS) {
                add(k, 1L);
            }
        });
    }

    @Override
    public long total() {
        return Stm.atomic(() -> {
            long s = 0;
            for (String k : ACCT) {
                s += get(k);
            }
            return s;
        });
    }

    @Override
    public long[] hotCells() {
        return Stm.atomic(() -> {
            long[] h = new long[HOT];
            for (int i = 0; i < HOT; i++) {
                h[i] = get(HOT_KEYS[i]);
            }
            return h;
        });
    }
}
