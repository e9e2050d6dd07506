package io.stm4j.internal;

import io.stm4j.Value;

/**
 * A private copy of one key of a store (Axon.STM's {@code Value}): what every {@link io.stm4j.Store}
 * implementation's values share — the key, the version it was read at (or last committed at), the
 * value, and whether {@link #set} changed it since. The store that made it decides what committing
 * means. Not thread-safe, like the seed's.
 *
 * <p>Not API: public only for stm4j's own stores in other modules (stm-etcd).
 *
 * @param <T> the value's type
 */
public abstract class KeyCopy<T> implements Value<T> {
    private final String key;
    private long version;
    private T value;
    private boolean dirty;

    protected KeyCopy(String key, long version, T value) {
        this.key = key;
        this.version = version;
        this.value = value;
    }

    @Override
    public final String key() {
        return key;
    }

    @Override
    public final long version() {
        return version;
    }

    @Override
    public final T get() {
        return value;
    }

    @Override
    public final void set(T v) {
        value = v;
        dirty = true;
    }

    /** @return whether {@link #set} changed the value since it was read or last committed (or staged) */
    public final boolean isDirty() {
        return dirty;
    }

    /** The value was committed (or staged in a transaction) as {@code newVersion}: it is not dirty any more. */
    public final void committedAs(long newVersion) {
        version = newVersion;
        dirty = false;
    }

    /** @return the {@link IllegalStateException} for committing it inside a read-only transaction, naming the key */
    public final IllegalStateException committedInReadOnly() {
        return new IllegalStateException("commit of '" + key + "' inside a read-only transaction");
    }

    /** @return {@code copy}, dirty as this is (for {@link #clone()}) */
    protected final <C extends KeyCopy<T>> C withDirtOf(C copy) {
        ((KeyCopy<T>) copy).dirty = dirty;
        return copy;
    }

    @Override
    public abstract KeyCopy<T> clone();

    @Override
    public final String toString() {
        return "Value[key=" + key + ", version=" + version + ", value=" + value + "]";
    }
}
