package io.stm4j.it.plainjava.bytes;

import io.stm4j.Atomic;
import io.stm4j.Shared;

/** Loaded in the test from its bytes by a loader that serves no class files (see FromBytesTest). */
public class Counter {
    @Shared long n;

    @Atomic
    void inc() {
        n = n + 1;
    }
}
