package io.stm4j.etcd;

import io.stm4j.Value;
import io.stm4j.internal.KeyCopy;

/** A private copy of one key of an {@link EtcdStore}; its version is the key's {@code mod_revision}. */
final class EtcdValue<T> extends KeyCopy<T> {
    final EtcdStore store;

    EtcdValue(EtcdStore store, String key, long version, T value) {
        super(key, version, value);
        this.store = store;
    }

    @Override
    public Value<T> commit() {
        return store.set(key(), this);
    }

    @Override
    public EtcdValue<T> clone() {
        return withDirtOf(new EtcdValue<>(store, key(), version(), get()));
    }
}
