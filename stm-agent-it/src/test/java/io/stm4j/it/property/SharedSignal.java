package io.stm4j.it.property;

import io.stm4j.Atomic;
import io.stm4j.Shared;
import io.stm4j.Stm;
import io.stm4j.testkit.EngineAudit;
import java.util.concurrent.atomic.AtomicLong;

/** {@link Signal} on a {@code @Shared} field; a plain write is an assignment outside any transaction. */
final class SharedSignal implements Signal {
    @Shared long value;

    @Override
    @Atomic
    public void await(long expected, long next, AtomicLong attempts) {
        attempts.incrementAndGet();
        if (value != expected) {
            Stm.retry();
        }
        if (next >= 0) {
            value = next;
        }
    }

    @Override
    @Atomic
    public void setInTransaction(long v) {
        value = v;
    }

    @Override
    public void setPlain(long v) {
        value = v;
    }

    @Override
    public long get() {
        return value;
    }

    @Override
    public int assertNoCellLocked() {
        return EngineAudit.assertUnlocked(this);
    }
}
