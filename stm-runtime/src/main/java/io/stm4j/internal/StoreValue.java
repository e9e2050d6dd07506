package io.stm4j.internal;

import io.stm4j.Value;

/** A private copy of one key of a {@link VersionedStore}. */
final class StoreValue<T> extends KeyCopy<T> {
    final VersionedStore store;
    final Cell cell;

    StoreValue(VersionedStore store, Cell cell, long version, T value) {
        super((String) cell.name(), version, value);
        this.store = store;
        this.cell = cell;
    }

    @Override
    public Value<T> commit() {
        return store.set(key(), this);
    }

    @Override
    public StoreValue<T> clone() {
        return withDirtOf(new StoreValue<>(store, cell, version(), get()));
    }
}
