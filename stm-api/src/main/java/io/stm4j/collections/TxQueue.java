package io.stm4j.collections;

import io.stm4j.spi.StmProvider;
import java.util.concurrent.BlockingQueue;

/**
 * A transactional FIFO queue: a {@link BlockingQueue}, unbounded or bounded, that behaves as
 * {@link java.util.concurrent.LinkedBlockingQueue} wherever this description is silent.
 *
 * <ul>
 *   <li>Inside a transaction every call joins it: an item taken is taken only if the transaction
 *       commits, an item put appears only then. {@code take()} on an empty queue and
 *       {@code put()} on a full one call {@code Stm.retry()}: the transaction blocks until the
 *       queue (or anything else it read) changes. The timed {@code poll} and {@code offer} use
 *       {@code Stm.retryFor}: once the timeout has passed they return {@code null} /
 *       {@code false} and the transaction goes on. All the timed calls of one transaction share
 *       one {@code retryFor} clock, started by the first of them (see {@code Stm.retryFor}): a
 *       second timed call waits only for what is left of the first one's timeout. None of these
 *       calls throws {@link InterruptedException} inside a transaction: an interrupt while it
 *       waits ends the whole transaction with an {@code StmException} whose cause is the
 *       {@code InterruptedException}, with the thread's interrupt flag set again.</li>
 *   <li>Outside a transaction every call is one transaction of its own; {@code take()} and
 *       {@code put()} block, without spinning, as any {@code BlockingQueue}'s do, and throw
 *       {@link InterruptedException} when interrupted.</li>
 *   <li>Producers and consumers work at the two ends without conflicting with each other while
 *       the queue is neither empty nor full, bounded or not.</li>
 *   <li>{@code null} elements are rejected with a {@link NullPointerException} naming
 *       {@code element}. {@link #remainingCapacity()} of an unbounded queue is
 *       {@code Integer.MAX_VALUE - size()}.</li>
 * </ul>
 *
 * @param <E> the element type
 */
public interface TxQueue<E> extends BlockingQueue<E> {

    /**
     * Creates an empty unbounded queue.
     *
     * @param <E> the element type
     * @return a new empty queue, of the stm4j implementation on the class path
     */
    static <E> TxQueue<E> create() {
        return StmProvider.current().createQueue(Integer.MAX_VALUE);
    }

    /**
     * Creates an empty queue that holds at most {@code capacity} elements.
     *
     * @param capacity the most elements it holds
     * @param <E> the element type
     * @return a new empty queue, of the stm4j implementation on the class path
     * @throws IllegalArgumentException if {@code capacity} is less than 1
     */
    static <E> TxQueue<E> create(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        return StmProvider.current().createQueue(capacity);
    }
}
