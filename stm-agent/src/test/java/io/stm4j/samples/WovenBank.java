package io.stm4j.samples;

import io.stm4j.Atomic;
import io.stm4j.Shared;

/** Two accounts whose transfers {@code WeaverTest} runs woven at "build time", with no agent. */
public class WovenBank {
    @Shared private long a = 1_000;
    @Shared private long b = 1_000;

    /**
     * Moves {@code amount} from a to b; with {@code fail}, throws after writing both.
     *
     * @param amount what to move
     * @param fail whether to throw after the writes
     */
    @Atomic
    public void transfer(long amount, boolean fail) {
        a = a - amount;
        b = b + amount;
        if (fail) {
            throw new IllegalStateException("refused");
        }
    }

    /** @return a + b, read in one transaction */
    @Atomic(readOnly = true)
    public long total() {
        return a + b;
    }

    /** @return a's balance */
    public long a() {
        return a;
    }
}
