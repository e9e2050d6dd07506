package io.stm4j.etcd;

import io.stm4j.Changeset;
import io.stm4j.Value;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Set;

/** Private copies of several keys of an {@link EtcdStore}, read at one revision. */
final class EtcdChangeset implements Changeset {
    final EtcdStore store;
    final LinkedHashMap<String, EtcdValue<Object>> values;
    boolean committed;

    EtcdChangeset(EtcdStore store, LinkedHashMap<String, EtcdValue<Object>> values) {
        this.store = store;
        this.values = values;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> Value<T> get(String key) {
        EtcdValue<Object> v = values.get(key);
        if (v == null) {
            throw new IllegalArgumentException("key '" + key + "' is not in this changeset " + values.keySet());
        }
        return (Value<T>) v;
    }

    @Override
    public Set<String> keys() {
        return Collections.unmodifiableSet(values.keySet());
    }

    @Override
    public void commit() {
        store.setValues(this);
    }

    @Override
    public String toString() {
        return "Changeset" + values.values();
    }
}
