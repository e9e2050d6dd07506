package io.stm4j.it.property;

import io.stm4j.Stm;
import io.stm4j.Store;
import io.stm4j.Value;
import io.stm4j.testkit.EngineAudit;

/** {@link Buffer} on store keys: a ring of slot keys, a head and a count. */
final class StoreBuffer implements Buffer {
    private final Store store = Store.create();
    private final String[] slots;

    StoreBuffer(int capacity) {
        slots = new String[capacity];
        for (int i = 0; i < capacity; i++) {
            slots[i] = "slot-" + i;
        }
        Stm.atomic(() -> {
            set("head", 0);
            set("count", 0);
        });
    }

    private int get(String key) {
        return store.<Integer>useVar(key).get();
    }

    private void set(String key, int v) {
        Value<Integer> x = store.useVar(key);
        x.set(v);
        x.commit();
    }

    @Override
    public void put(long item) {
        Stm.atomic(() -> {
            int count = get("count");
            if (count == slots.length) {
                Stm.retry();
            }
            Value<Long> slot = store.useVar(slots[(get("head") + count) % slots.length]);
            slot.set(item);
            slot.commit();
            set("count", count + 1);
        });
    }

    @Override
    public long take() {
        return Stm.atomic(() -> {
            int count = get("count");
            if (count == 0) {
                Stm.retry();
            }
            int head = get("head");
            long item = store.<Long>useVar(slots[head]).get();
            set("head", (head + 1) % slots.length);
            set("count", count - 1);
            return item;
        });
    }

    @Override
    public int size() {
        return get("count");
    }

    @Override
    public int assertNoCellLocked() {
        return EngineAudit.assertUnlocked(store);
    }
}
