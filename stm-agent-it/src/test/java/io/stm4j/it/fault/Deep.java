package io.stm4j.it.fault;

import io.stm4j.it.support.Api;

/**
 * Recursion through the engine, written with each API: every level is a nested transaction that
 * writes a shared value, so the stack runs out somewhere inside the engine's own code — entering
 * a scope, reading, writing, or leaving one while the error unwinds — at a point that moves with
 * the depth the recursion starts from.
 */
interface Deep {
    static Deep create(Api api) {
        return api == Api.STORE ? new StoreDeep() : new SharedDeep();
    }

    /** Nested transactions, each writing the marker, until the stack overflows. */
    long dive(long n);

    /**
     * One transaction: writes {@code before = 1}, calls {@link #dive} and catches its
     * StackOverflowError, writes {@code after = 2}.
     *
     * @return the caught error
     */
    StackOverflowError diveAndCatch();

    /** {@code depth} nested transactions; the outermost writes {@code depth} into the marker last. */
    void nest(int depth);

    /** @return marker, before and after, latest committed */
    long[] values();

    /** Sets all three values back to 0 outside any transaction. */
    void reset();

    /** Asserts that no cell is locked. @return how many cells were checked */
    int assertNoCellLocked();
}
