package io.stm4j;

import io.stm4j.spi.StmProvider;
import java.util.Map;
import java.util.Set;

/**
 * A thread-safe versioning store for key/value pairs (Kamaelia's Axon.STM {@code Store}).
 *
 * <p>Every key has a value and a version; each committed write increments the key's version.
 * Work on private copies ({@link #useVar}, {@link #using}), change them with
 * {@link Value#set}, and commit them ({@link Value#commit()}, {@link Changeset#commit()}); a commit
 * fails with {@link ConcurrentUpdate} when someone else committed a newer version first, and with
 * {@link BusyRetry} when a concurrent commit holds what it needs. No call ever blocks
 * indefinitely.
 *
 * <p>Inside a transaction ({@link Atomic} methods, {@link Stm#atomic} blocks) the store joins it:
 * reads are part of the transaction's snapshot and validated at its commit, and commits only stage
 * writes, published when the outermost transaction commits. There the runtime handles conflicts
 * by re-running the transaction.
 *
 * <p>Values are shared by reference, never copied. Store immutable objects (boxed primitives,
 * {@code String}, records, {@code List.copyOf(...)}); mutating a committed object in place is not
 * seen by the store and breaks isolation.
 *
 * <p>Keys are non-null strings: a {@code null} key throws {@link NullPointerException} naming the
 * argument.
 */
public interface Store {

    /** @return a new, empty store, independent of every other store */
    static Store create() {
        return StmProvider.current().createStore();
    }

    /**
     * @return the process-wide store: it holds {@link Shared} fields and is the one the Guice
     *     module injects by default
     */
    static Store defaultStore() {
        return StmProvider.current().defaultStore();
    }

    /**
     * A private copy of the key's current value and version (Axon.STM {@code usevar}). A missing
     * key is created with value {@code null} and version 0.
     *
     * @param key the key
     * @param <T> the value's type, as the caller knows it
     * @return the copy; changing it changes nothing in the store until it is committed
     * @throws BusyRetry if a concurrent commit is publishing this key
     */
    <T> Value<T> useVar(String key);

    /**
     * Private copies of several keys, read as one consistent snapshot. Missing keys are created as
     * in {@link #useVar}.
     *
     * @param keys the keys
     * @return the copies
     * @throws BusyRetry if a concurrent commit is publishing one of the keys
     */
    Changeset using(String... keys);

    /**
     * Commits one value.
     *
     * @param key the key; must be the value's own key
     * @param value a value obtained from this store
     * @param <T> the value's type
     * @return {@code value}, whose version is now the committed version
     * @throws ConcurrentUpdate if the store's version of the key is newer than
     *     {@code value.version()}; nothing is written
     * @throws BusyRetry if a concurrent commit holds the key; nothing is written
     * @throws IllegalArgumentException if the value belongs to another store or another key
     */
    <T> Value<T> set(String key, Value<T> value);

    /**
     * Commits the values of a changeset, all or nothing. Values changed with {@link Value#set} are
     * written; the others are only checked.
     *
     * @param values a changeset obtained from this store
     * @throws ConcurrentUpdate if any of the values, read or written, has a newer version in the
     *     store; nothing is written
     * @throws BusyRetry if a concurrent commit holds one of the keys; nothing is written
     * @throws IllegalArgumentException if the changeset belongs to another store
     * @throws IllegalStateException if the changeset was already committed
     */
    void setValues(Changeset values);

    /** @return the keys present, as an unmodifiable snapshot */
    Set<String> names();

    /**
     * Plain values of the given keys, read as one consistent snapshot. Keys that are not present
     * map to {@code null} and are not created. Never throws {@link BusyRetry}: when commits keep
     * overtaking the snapshot, it is taken in a read-only transaction, which waits for them.
     *
     * @param keys the keys; none means all keys
     * @return an unmodifiable map in the order of {@code keys} (sorted by key when none given)
     * @throws StmException if the thread is interrupted while that transaction backs off (the flag
     *     stays set)
     */
    Map<String, Object> export(String... keys);

    /**
     * A human-readable listing of one consistent snapshot. Never throws {@link BusyRetry}, as
     * {@link #export}.
     *
     * @return one line per key in key order: key, version, value
     * @throws StmException if the thread is interrupted while waiting for writers, as {@link #export}
     */
    String dump();

    /**
     * What this store's transactions have been doing: commits, aborted attempts by cause,
     * re-runs per transaction, time spent re-running, and the keys and {@code @Shared} fields
     * that conflict most (the default store holds the {@code @Shared} fields). For people and
     * monitoring: {@link StoreStats#toString()} is a short report.
     *
     * @return a snapshot of the figures since the store was created
     * @throws UnsupportedOperationException if this store implementation keeps no statistics
     */
    default StoreStats stats() {
        throw new UnsupportedOperationException(getClass().getName() + " keeps no statistics");
    }
}
