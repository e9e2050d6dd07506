package io.stm4j.etcd;

import io.stm4j.Store;

/** The store contract against the in-memory store, {@code Store.create()}: the reference that {@link EtcdStore} is held to. */
class InMemoryStoreContractTest extends StoreContract {

    @Override
    Store store() {
        return Store.create();
    }

    @Override
    Store otherClient(Store s) {
        return s;
    }

    @Override
    boolean readsCreateKeys() {
        return true;
    }
}
