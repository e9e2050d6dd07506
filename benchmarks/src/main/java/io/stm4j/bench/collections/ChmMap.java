package io.stm4j.bench.collections;

import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link ConcurrentHashMap}, the reference for single operations outside a transaction. It has no
 * transactions: its {@link #move} is {@code compute} on each key, not atomic as a pair, so it is not
 * one of the in-transaction workloads' engines.
 */
final class ChmMap implements MapEngine {
    private final ConcurrentHashMap<Integer, Long> map = new ConcurrentHashMap<>();

    ChmMap() {
        for (int k = 0; k < KEYS; k++) {
            map.put(k, INITIAL);
        }
    }

    @Override
    public long get(int key) {
        return map.get(key);
    }

    @Override
    public void put(int key, long value) {
        map.put(key, value);
    }

    @Override
    public void move(int from, int to) {
        map.compute(from, (k, v) -> v - 1);
        map.compute(to, (k, v) -> v + 1);
    }

    @Override
    public long getOne(int key) {
        return map.get(key);
    }

    @Override
    public void putOne(int key, long value) {
        map.put(key, value);
    }

    @Override
    public long total() {
        return map.values().stream().mapToLong(Long::longValue).sum();
    }
}
