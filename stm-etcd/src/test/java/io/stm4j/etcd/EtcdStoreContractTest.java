package io.stm4j.etcd;

import io.stm4j.Store;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;

/**
 * The store contract against {@link EtcdStore} on a 3-member cluster: each test has a namespace
 * of its own, and "another client" is another {@code EtcdStore} (another HTTP client) on it.
 */
class EtcdStoreContractTest extends StoreContract {
    private static final AtomicInteger NAMESPACES = new AtomicInteger();
    private final List<EtcdStore> opened = new ArrayList<>();
    private final String namespace = "contract" + System.nanoTime() + "x" + NAMESPACES.incrementAndGet();

    static List<String> endpoints() {
        return EtcdTests.endpointList();
    }

    @Override
    Store store() {
        return open();
    }

    private EtcdStore open() {
        EtcdStore s = EtcdStore.builder().endpoints(endpoints().toArray(new String[0])).namespace(namespace).build();
        opened.add(s);
        return s;
    }

    @Override
    Store otherClient(Store s) {
        return open();
    }

    @Override
    boolean readsCreateKeys() {
        return false;
    }

    @AfterEach
    void close() {
        opened.forEach(EtcdStore::close);
    }
}
