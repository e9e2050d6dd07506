package io.stm4j.it.property;

import io.stm4j.Atomic;
import io.stm4j.Shared;
import io.stm4j.Stm;
import io.stm4j.testkit.EngineAudit;

/**
 * {@link Counter} on a {@code @Shared} field. Style 0: an {@code @Atomic} method. Style 1: a
 * {@code Stm.atomic} block whose lambda reads and writes the field.
 */
final class SharedCounter implements Counter {
    @Shared long n;

    @Override
    public long increment(int style) {
        return style == 0 ? incrementAtomic() : Stm.atomic(() -> {
            long old = n;
            Counter.work();
            n = old + 1;
            return old;
        });
    }

    @Atomic
    private long incrementAtomic() {
        long old = n;
        Counter.work();
        n = old + 1;
        return old;
    }

    @Override
    public long get() {
        return n;
    }

    @Override
    public int assertNoCellLocked() {
        return EngineAudit.assertUnlocked(this);
    }
}
