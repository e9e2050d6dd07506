package io.stm4j.bench.collections;

import scala.concurrent.stm.japi.STM;

/**
 * ScalaSTM 0.11's {@code TMap} through its Java API: a {@code TMap.View} used as a
 * {@code java.util.Map} ({@code asJava}) inside {@link STM#atomic}; outside a transaction each call
 * on the view is its own.
 */
final class ScalaStmMap implements MapEngine {
    /** {@code STM.newMap()}: the {@code java.util.Map} adapter of a fresh {@code TMap.View}. */
    private final java.util.Map<Integer, Long> map = STM.newMap();

    ScalaStmMap() {
        for (int k = 0; k < KEYS; k++) {
            map.put(k, INITIAL);
        }
    }

    @Override
    public long get(int key) {
        return STM.atomic(() -> map.get(key));
    }

    @Override
    public void put(int key, long value) {
        STM.atomic(() -> {
            map.put(key, value);
        });
    }

    @Override
    public void move(int from, int to) {
        STM.atomic(() -> {
            map.put(from, map.get(from) - 1);
            map.put(to, map.get(to) + 1);
        });
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
        return STM.atomic(() -> {
            long s = 0;
            for (long v : map.values()) {
                s += v;
            }
            return s;
        });
    }
}
