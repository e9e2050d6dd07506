package io.stm4j.etcd;

import io.stm4j.Value;

/** A private copy of one key of an {@link EtcdStore}; its version is the key's {@code mod_revision}. Not thread-safe, like the seed's. */
final class EtcdValue<T> implements Value<T> {
    final EtcdStore store;
    private final String key;
    long version;
    T value;
    boolean dirty;

    EtcdValue(EtcdStore store, String key, long version, T value) {
        this.store = store;
        this.key = key;
        this.version = version;
        this.value = value;
    }

    @Override
    public String key() {
        return key;
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
        return store.set(key, this);
    }

    @Override
    public EtcdValue<T> clone() {
        EtcdValue<T> copy = new EtcdValue<>(store, key, version, value);
        copy.dirty = dirty;
        return copy;
    }

    @Override
    public String toString() {
        return "Value[key=" + key + ", version=" + version + ", value=" + value + "]";
    }
}
