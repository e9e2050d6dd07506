package io.stm4j.internal;

import io.stm4j.Changeset;
import io.stm4j.Value;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Objects;
import java.util.Set;

/**
 * Private copies of several keys of a store, read as one snapshot (Axon.STM's {@code Collection}):
 * what every {@link io.stm4j.Store} implementation's changesets share. The store that made it
 * decides what committing means.
 *
 * <p>Not API: public only for stm4j's own stores in other modules (stm-etcd).
 *
 * @param <V> the store's kind of copy
 */
public abstract class KeyCopies<V extends KeyCopy<Object>> implements Changeset {
    private final LinkedHashMap<String, V> values;
    private boolean committed;

    protected KeyCopies(LinkedHashMap<String, V> values) {
        this.values = values;
    }

    /** @return the copies by key, in the order they were asked for (live) */
    public final LinkedHashMap<String, V> values() {
        return values;
    }

    /** @return whether it was committed already (a changeset commits once) */
    public final boolean isCommitted() {
        return committed;
    }

    /** Records that it was committed (a second commit then fails with {@link #committedTwice}). */
    public final void markCommitted() {
        committed = true;
    }

    /** @return whether any copy holds a value not committed yet */
    public final boolean anyDirty() {
        return values.values().stream().anyMatch(KeyCopy::isDirty);
    }

    /** @return the {@link IllegalStateException} for committing it inside a read-only transaction, naming the keys */
    public final IllegalStateException committedInReadOnly() {
        return new IllegalStateException("commit of changeset " + values.keySet() + " inside a read-only transaction");
    }

    /** @return the {@link IllegalStateException} for a second commit, naming the keys */
    public final IllegalStateException committedTwice() {
        return new IllegalStateException("changeset " + values.keySet() + " was already committed;"
                + " take fresh copies with Store.using(...)");
    }

    @Override
    @SuppressWarnings("unchecked")
    public final <T> Value<T> get(String key) {
        Objects.requireNonNull(key, "key");
        V v = values.get(key);
        if (v == null) {
            throw new IllegalArgumentException("key '" + key + "' is not in this changeset; its keys are " + values.keySet());
        }
        return (Value<T>) v;
    }

    @Override
    public final Set<String> keys() {
        return Collections.unmodifiableSet(values.keySet());
    }

    @Override
    public final String toString() {
        return "Changeset" + values.values();
    }
}
