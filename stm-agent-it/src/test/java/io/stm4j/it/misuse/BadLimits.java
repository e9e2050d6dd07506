package io.stm4j.it.misuse;

import io.stm4j.Atomic;

/** Misuse: an @Atomic element out of range. */
public class BadLimits {
    @Atomic(maxRetries = -2)
    public void work() {
    }
}
