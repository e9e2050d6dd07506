package io.stm4j.etcd;

import io.stm4j.internal.KeyCopies;
import java.util.LinkedHashMap;

/** Private copies of several keys of an {@link EtcdStore}, read at one revision. */
final class EtcdChangeset extends KeyCopies<EtcdValue<Object>> {
    final EtcdStore store;

    EtcdChangeset(EtcdStore store, LinkedHashMap<String, EtcdValue<Object>> values) {
        super(values);
        this.store = store;
    }

    @Override
    public void commit() {
        store.setValues(this);
    }
}
