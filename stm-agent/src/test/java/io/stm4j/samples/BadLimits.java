package io.stm4j.samples;

import io.stm4j.Atomic;

/** Misuse: @Atomic elements out of range (never loaded through the agent here). */
public class BadLimits {
    @Atomic(maxRetries = -5)
    public void retries() {
    }

    @Atomic(timeoutMillis = -2)
    public void timeout() {
    }

    @Atomic(maxRetries = 0, timeoutMillis = 0)
    public void zeroes() {
    }
}
