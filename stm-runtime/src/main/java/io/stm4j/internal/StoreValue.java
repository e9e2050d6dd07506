package io.stm4j.internal;

import io.stm4j.Value;

/** A private copy of one key of a {@link VersionedStore}. Not thread-safe, like the seed's. */
final class StoreValue<T> implements Value<T> {
    final VersionedStore store;
    final Cell cell;
    long version;
    T value;
    boolean dirty;

    StoreValue(VersionedStore store, Cell cell, long version, T value) {
        this.store = store;
        this.cell = cell;
        this.version = version;
        this.value = value;
    }

    @Override
    public String key() {
        return (String) cell.name;
    }

    @Override
    public long version() {
        return version;
    }

    @Override
    public T get() {
        return value;
    }

    @Override
    public void set(T v) {
        value = v;
        dirty = true;
    }

    @Override
    public Value<T> commit() {
        return store.set(key(), this);
    }

    @Override
    public StoreValue<T> clone() {
        StoreValue<T> copy = new StoreValue<>(store, cell, version, value);
        copy.dirty = dirty;
        return copy;
    }

    @Override
    public String toString() {
        return "Value[key=" + key() + ", version=" + version + ", value=" + value + "]";
    }
}
