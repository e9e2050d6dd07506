package io.stm4j.internal;

import java.util.LinkedHashMap;

/** Private copies of several keys of a {@link VersionedStore}, read as one snapshot. */
final class StoreChangeset extends KeyCopies<StoreValue<Object>> {
    final VersionedStore store;

    StoreChangeset(VersionedStore store, LinkedHashMap<String, StoreValue<Object>> values) {
        super(values);
        this.store = store;
    }

    @Override
    public void commit() {
        store.setValues(this);
    }
}
