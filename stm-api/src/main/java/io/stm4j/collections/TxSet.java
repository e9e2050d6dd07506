package io.stm4j.collections;

import io.stm4j.spi.StmProvider;
import java.util.Set;

/**
 * A transactional hash set: a {@link java.util.Set} whose every element is its own versioned
 * cell, with the promises of {@link TxMap}: transactions that add or remove different elements do
 * not conflict; inside a transaction each call joins it, outside each call is one transaction;
 * iteration is transactional and {@code Iterator.remove} writes through; {@code null} is rejected
 * (by {@code contains(null)} too) with a {@link NullPointerException} naming {@code element};
 * {@code addAll} is all or nothing.
 *
 * @param <E> the element type
 */
public interface TxSet<E> extends Set<E> {

    /**
     * Creates an empty transactional set.
     *
     * @param <E> the element type
     * @return a new empty set, of the stm4j implementation on the class path
     */
    static <E> TxSet<E> create() {
        return StmProvider.current().createSet();
    }
}
