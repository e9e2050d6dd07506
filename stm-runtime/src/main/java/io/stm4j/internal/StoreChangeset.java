package io.stm4j.internal;

import io.stm4j.Changeset;
import io.stm4j.Value;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Private copies of several keys of a {@link VersionedStore}, read as one snapshot. */
final class StoreChangeset implements Changeset {
    final VersionedStore store;
    final Map<String, StoreValue<Object>> values;
    boolean committed;

    StoreChangeset(VersionedStore store, LinkedHashMap<String, StoreValue<Object>> values) {
        this.store = store;
        this.values = values;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> Value<T> get(String key) {
        java.util.Objects.requireNonNull(key, "key");
        StoreValue<Object> v = values.get(key);
        if (v == null) {
            throw new IllegalArgumentException("key '" + key + "' is not in this changeset; its keys are "
                    + values.keySet());
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
