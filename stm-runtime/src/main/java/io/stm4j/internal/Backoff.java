package io.stm4j.internal;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * Exponential backoff with jitter: spin first, then yield, then park for a random time whose
 * bound doubles with each failure up to {@link #MAX_PARK_NANOS}.
 */
final class Backoff {
    static final long MAX_PARK_NANOS = 1_000_000L;

    private Backoff() {
    }

    /**
     * Waits a little after the {@code failures}-th failure.
     *
     * @return false if the thread was interrupted while parked (the flag is left set)
     */
    static boolean pause(int failures) {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        if (failures <= 4) {
            int spins = rnd.nextInt(16 << failures);
            for (int i = 0; i < spins; i++) {
                Thread.onSpinWait();
            }
            return true;
        }
        if (failures <= 6) {
            Thread.yield();
            return true;
        }
        long bound = Math.min(MAX_PARK_NANOS, 1_000L << Math.min(failures - 6, 20));
        LockSupport.parkNanos(1 + rnd.nextLong(bound));
        return !Thread.currentThread().isInterrupted();
    }

    /** One step of waiting for a committer that is publishing: spin, then yield. */
    static int spinOrYield(int spins) {
        if (spins < 64) {
            Thread.onSpinWait();
        } else {
            Thread.yield();
        }
        return spins + 1;
    }
}
