package io.stm4j.it.property;

import io.stm4j.it.support.Api;

/** A bounded FIFO buffer whose {@link #put} and {@link #take} wait with {@code Stm.retry()}, written with each API. */
interface Buffer {
    static Buffer create(Api api, int capacity) {
        return api == Api.STORE ? new StoreBuffer(capacity) : new SharedBuffer(capacity);
    }

    /** Appends {@code item}, waiting (Stm.retry) while the buffer is full. */
    void put(long item);

    /** Removes the oldest item, waiting (Stm.retry) while the buffer is empty. */
    long take();

    /** @return how many items it holds, latest committed */
    int size();

    /** Asserts that no cell of this buffer is locked. @return how many cells were checked */
    int assertNoCellLocked();
}
