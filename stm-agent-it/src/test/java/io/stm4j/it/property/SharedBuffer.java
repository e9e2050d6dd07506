package io.stm4j.it.property;

import io.stm4j.Atomic;
import io.stm4j.Shared;
import io.stm4j.Stm;
import io.stm4j.testkit.EngineAudit;

/** {@link Buffer} on annotated classes: a ring of objects with a {@code @Shared} item (array elements are not transactional). */
final class SharedBuffer implements Buffer {
    static final class Slot {
        @Shared long item;
    }

    private final Slot[] slots;
    @Shared int head;
    @Shared int count;

    SharedBuffer(int capacity) {
        slots = new Slot[capacity];
        for (int i = 0; i < capacity; i++) {
            slots[i] = new Slot();
        }
    }

    @Override
    @Atomic
    public void put(long item) {
        if (count == slots.length) {
            Stm.retry();
        }
        slots[(head + count) % slots.length].item = item;
        count++;
    }

    @Override
    @Atomic
    public long take() {
        if (count == 0) {
            Stm.retry();
        }
        long item = slots[head].item;
        head = (head + 1) % slots.length;
        count--;
        return item;
    }

    @Override
    public int size() {
        return count;
    }

    @Override
    public int assertNoCellLocked() {
        Object[] all = new Object[slots.length + 1];
        System.arraycopy(slots, 0, all, 0, slots.length);
        all[slots.length] = this;
        return EngineAudit.assertUnlocked(all);
    }
}
