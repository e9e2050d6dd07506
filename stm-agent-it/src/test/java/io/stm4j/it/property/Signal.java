package io.stm4j.it.property;

import io.stm4j.it.support.Api;
import java.util.concurrent.atomic.AtomicLong;

/** One value that threads wait on with {@code Stm.retry()}, written with each API. */
interface Signal {
    static Signal create(Api api) {
        return api == Api.STORE ? new StoreSignal() : new SharedSignal();
    }

    /**
     * Waits, with {@code Stm.retry()}, until the value is {@code expected}; then, in the same
     * transaction, sets it to {@code next} unless {@code next} is negative.
     *
     * @param attempts incremented by every attempt of the transaction
     */
    void await(long expected, long next, AtomicLong attempts);

    /** Sets the value in a transaction of its own. */
    void setInTransaction(long v);

    /** Sets the value outside any transaction: a plain write (annotated) or a lone store commit. */
    void setPlain(long v);

    /** @return the latest committed value */
    long get();

    /** Asserts that no cell of this signal is locked. @return how many cells were checked */
    int assertNoCellLocked();
}
