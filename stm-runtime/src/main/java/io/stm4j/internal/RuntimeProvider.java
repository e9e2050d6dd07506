package io.stm4j.internal;

import io.stm4j.Store;
import io.stm4j.collections.TxMap;
import io.stm4j.collections.TxQueue;
import io.stm4j.collections.TxSet;
import io.stm4j.internal.collections.TxHashMap;
import io.stm4j.internal.collections.TxHashSet;
import io.stm4j.internal.collections.TxLinkedQueue;
import io.stm4j.spi.StmProvider;
import io.stm4j.spi.TransactionEngine;

/**
 * The in-memory implementation of the stm4j SPI: multi-versioned cells, a global version clock,
 * and the engine in {@link Txn}. Found through {@link java.util.ServiceLoader}.
 */
public final class RuntimeProvider implements StmProvider {

    private static final class DefaultStore {
        static final VersionedStore INSTANCE = new VersionedStore("default");

        static {
            INSTANCE.recorder.registerMBean("default");
        }
    }

    /** The statistics of the default store, which holds the {@code @Shared} fields. */
    static StatsRecorder defaultRecorder() {
        return DefaultStore.INSTANCE.recorder;
    }

    /** Used by {@link java.util.ServiceLoader}. */
    public RuntimeProvider() {
    }

    @Override
    public Store createStore() {
        Unrewritten.reportOnce();
        return new VersionedStore(null);
    }

    @Override
    public Store defaultStore() {
        Unrewritten.reportOnce();
        return DefaultStore.INSTANCE;
    }

    @Override
    public TransactionEngine engine() {
        Unrewritten.reportOnce();
        return Transactions.INSTANCE;
    }

    @Override
    public <K, V> TxMap<K, V> createMap() {
        Unrewritten.reportOnce();
        return new TxHashMap<>();
    }

    @Override
    public <E> TxSet<E> createSet() {
        Unrewritten.reportOnce();
        return new TxHashSet<>();
    }

    @Override
    public <E> TxQueue<E> createQueue(int capacity) {
        Unrewritten.reportOnce();
        return new TxLinkedQueue<>(capacity);
    }
}
