package io.stm4j.it.plainjava.bytes;

import io.stm4j.Atomic;
import java.util.function.LongSupplier;

/**
 * Loaded in the test from its bytes by a loader that serves no class files: a field whose type is
 * another such class ({@link Counter}), and {@code @Atomic} methods.
 */
public class Holder implements LongSupplier, Runnable {
    private final Counter counter = new Counter();

    /** Two increments in one transaction. */
    @Override
    @Atomic
    public void run() {
        counter.inc();
        counter.inc();
    }

    /** Increments, then fails: rolled back. */
    @Atomic
    public void incThenFail() {
        counter.inc();
        throw new IllegalStateException("rolled back");
    }

    @Override
    public long getAsLong() {
        return counter.n;
    }
}
