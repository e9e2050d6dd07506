package io.stm4j.etcd;

import io.stm4j.Store;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import io.stm4j.etcd.local.EtcdClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The store contract against {@link EtcdStore} on a 3-member cluster: each test has a namespace
 * of its own, and "another client" is another {@code EtcdStore} (another HTTP client) on it.
 */
class EtcdStoreContractTest extends StoreContract {
    @RegisterExtension
    static final EtcdClusterExtension ETCD = EtcdClusterExtension.threeMembers();

    private static final AtomicInteger NAMESPACES = new AtomicInteger();
    private final List<EtcdStore> opened = new ArrayList<>();
    private final String namespace = "contract" + System.nanoTime() + "x" + NAMESPACES.incrementAndGet();

    @Override
    Store store() {
        return open();
    }

    private EtcdStore open() {
        EtcdStore s = EtcdStore.builder().endpoints(ETCD.endpoints().toArray(new String[0])).namespace(namespace).build();
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
