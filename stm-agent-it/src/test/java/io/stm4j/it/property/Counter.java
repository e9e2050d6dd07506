package io.stm4j.it.property;

import io.stm4j.it.support.Api;

/** A counter, written with each API; {@link #increment} returns the value it replaced. */
interface Counter {
    static Counter create(Api api) {
        return api == Api.STORE ? new StoreCounter() : new SharedCounter();
    }

    /** Busy work between an increment's read and its write, as real read-modify-write code has. */
    static void work() {
        for (int k = 0; k < 16; k++) {
            Thread.onSpinWait();
        }
    }

    /**
     * Adds one, atomically: reads, does a little {@link #work}, writes.
     *
     * @param style 0 or 1: the two ways each API offers to write it (see the implementations)
     * @return the value before
     */
    long increment(int style);

    /** @return the latest committed value */
    long get();

    /** Asserts that no cell of this counter is locked. @return how many cells were checked */
    int assertNoCellLocked();
}
