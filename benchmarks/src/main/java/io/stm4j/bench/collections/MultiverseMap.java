package io.stm4j.bench.collections;

import org.multiverse.api.GlobalStmInstance;
import org.multiverse.api.StmUtils;
import org.multiverse.api.callables.TxnLongCallable;
import org.multiverse.api.callables.TxnVoidCallable;
import org.multiverse.collections.NaiveTxnCollectionFactory;
import org.multiverse.collections.NaiveTxnHashMap;

/**
 * Multiverse 0.7's {@code NaiveTxnHashMap} (its only map) in {@link StmUtils#atomic}, the
 * transaction passed explicitly.
 */
final class MultiverseMap implements MapEngine {
    private final NaiveTxnHashMap<Integer, Long> map =
            new NaiveTxnCollectionFactory(GlobalStmInstance.getGlobalStmInstance()).newHashMap();

    MultiverseMap() {
        StmUtils.atomic((TxnVoidCallable) tx -> {
            for (int k = 0; k < KEYS; k++) {
                map.put(tx, k, INITIAL);
            }
        });
    }

    @Override
    public long get(int key) {
        return StmUtils.atomic((TxnLongCallable) tx -> map.get(tx, key));
    }

    @Override
    public void put(int key, long value) {
        StmUtils.atomic((TxnVoidCallable) tx -> map.put(tx, key, value));
    }

    @Override
    public void move(int from, int to) {
        StmUtils.atomic((TxnVoidCallable) tx -> {
            map.put(tx, from, map.get(tx, from) - 1);
            map.put(tx, to, map.get(tx, to) + 1);
        });
    }

    /** Multiverse's collections need a transaction for every call: this one is its own. */
    @Override
    public long getOne(int key) {
        return get(key);
    }

    @Override
    public void putOne(int key, long value) {
        put(key, value);
    }

    @Override
    public long total() {
        return StmUtils.atomic((TxnLongCallable) tx -> {
            long s = 0;
            for (int k = 0; k < KEYS; k++) {
                s += map.get(tx, k);
            }
            return s;
        });
    }
}
