package io.stm4j.it.fault;

import io.stm4j.Stm;
import io.stm4j.Store;
import io.stm4j.Value;
import io.stm4j.testkit.EngineAudit;

/** {@link Deep} with nested {@code Stm.atomic} blocks around store keys. */
final class StoreDeep implements Deep {
    private final Store store = Store.create();

    StoreDeep() {
        reset();
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
    public long dive(long n) {
        return Stm.atomic(() -> {
            put("marker", n);
            return dive(n + 1) + get("marker");
        });
    }

    @Override
    public StackOverflowError diveAndCatch() {
        return Stm.atomic(() -> {
            put("before", 1);
            StackOverflowError caught = null;
            try {
                dive(1);
            } catch (StackOverflowError e) {
                caught = e;
            }
            put("after", 2);
            return caught;
        });
    }

    @Override
    public void nest(int depth) {
        Stm.atomic(() -> {
            if (depth > 1) {
                nest(depth - 1);
            }
            put("marker", depth);
        });
    }

    @Override
    public long[] values() {
        return new long[] {get("marker"), get("before"), get("after")};
    }

    @Override
    public void reset() {
        for (String k : new String[] {"marker", "before", "after"}) {
            Value<Long> v = store.useVar(k);
            v.set(0L);
            v.commit();
        }
    }

    @Override
    public int assertNoCellLocked() {
        return EngineAudit.assertUnlocked(store);
    }
}
