package io.stm4j.it.lincheck;

import io.stm4j.Atomic;
import io.stm4j.Shared;

/** A counter on one {@code @Shared} field whose compound operations are {@code @Atomic} methods. */
public final class TxCounter {
    @Shared private long value;

    /** @return the value after adding one */
    @Atomic
    public long increment() {
        value = value + 1;
        return value;
    }

    /**
     * @param delta what to add
     * @return the value after adding {@code delta}
     */
    @Atomic
    public long addAndGet(long delta) {
        value += delta;
        return value;
    }

    /** @return whether the value was positive (and is now one less) */
    @Atomic
    public boolean decrementIfPositive() {
        if (value <= 0) {
            return false;
        }
        value--;
        return true;
    }

    /** @return the value, read in a read-only transaction */
    @Atomic(readOnly = true)
    public long get() {
        return value;
    }

    /** @return the value, read plainly outside any transaction (one committed value) */
    public long peek() {
        return value;
    }
}
