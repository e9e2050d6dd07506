package io.stm4j;

/**
 * A private copy of one key of a {@link Store}: its value and the version it was read at
 * (Axon.STM {@code Value}).
 *
 * <p>Not thread-safe: a copy belongs to the code that took it.
 *
 * @param <T> the value's type
 */
public interface Value<T> {

    /** @return the key this is a copy of */
    String key();

    /** @return the version this copy was read at, or last committed at */
    long version();

    /** @return the value of this copy */
    T get();

    /**
     * Changes this copy only; nothing is stored until {@link #commit()}.
     *
     * @param value the new value; shared by reference, so it should be immutable
     */
    void set(T value);

    /**
     * Commits this copy: {@code store.set(key(), this)}. On success this copy's version becomes the
     * committed version, so it can be set and committed again.
     *
     * @return this
     * @throws ConcurrentUpdate if the store has a newer version
     * @throws BusyRetry if a concurrent commit holds the key
     */
    Value<T> commit();

    /** @return an independent copy with the same key, version and value */
    Value<T> clone();

    /** @return the key, version and value */
    @Override
    String toString();
}
