package io.stm4j;

import java.util.Set;

/**
 * Private copies of several keys of a {@link Store}, read as one consistent snapshot (Axon.STM
 * {@code Collection}, renamed to avoid {@code java.util.Collection}). Commit it to write all
 * changed values together, or none.
 *
 * <p>Not thread-safe. A changeset can be committed once.
 */
public interface Changeset {

    /**
     * @param key one of {@link #keys()}
     * @param <T> the value's type, as the caller knows it
     * @return the copy of that key
     * @throws IllegalArgumentException if the key is not in this changeset
     */
    <T> Value<T> get(String key);

    /** @return the keys of this changeset, in the order they were asked for */
    Set<String> keys();

    /**
     * Commits the changeset: {@code store.setValues(this)}.
     *
     * @throws ConcurrentUpdate if any value has a newer version in the store; nothing is written
     * @throws BusyRetry if a concurrent commit holds one of the keys; nothing is written
     * @throws IllegalStateException if this changeset was already committed
     */
    void commit();
}
