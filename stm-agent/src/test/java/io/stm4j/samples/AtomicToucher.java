package io.stm4j.samples;

import io.stm4j.Atomic;

/** Touches another class's @Shared field from an @Atomic method. */
public class AtomicToucher {
    @Atomic
    public static long peek(Sample s) {
        return s.count;
    }
}
