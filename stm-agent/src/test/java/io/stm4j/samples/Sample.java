package io.stm4j.samples;

import io.stm4j.Atomic;
import io.stm4j.Shared;

/** Rewritten by the transformer under test (never loaded through the agent here). */
public class Sample {
    @Shared public long count;

    @Atomic
    public long addAndGet(long delta) {
        long before = count;
        long after = before + delta;
        count = after;
        return after;
    }
}
