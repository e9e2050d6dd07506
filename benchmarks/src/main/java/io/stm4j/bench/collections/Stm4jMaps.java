package io.stm4j.bench.collections;

import io.stm4j.Atomic;
import io.stm4j.Stm;
import io.stm4j.collections.TxMap;

/** stm4j's {@link TxMap}: in {@code @Atomic} methods (as users write it) and in {@code Stm.atomic}. */
final class Stm4jMaps {
    private Stm4jMaps() {
    }

    /** The shared state and the operations outside a transaction (each call one transaction). */
    abstract static class Base implements MapEngine {
        final TxMap<Integer, Long> map = TxMap.create();

        Base() {
            for (int k = 0; k < KEYS; k++) {
                map.put(k, INITIAL);
            }
        }

        @Override
        public long getOne(int key) {
            return map.get(key);
        }

        @Override
        public void putOne(int key, long value) {
            map.put(key, value);
        }
    }

    /** {@code @Atomic} methods: needs the agent (benchmarks/run.sh adds it). */
    static final class Annotated extends Base {
        Annotated() {
            if (!Stm.isAgentActive()) {
                throw new IllegalStateException("engine stm4j-agent needs -javaagent:stm-agent/target/stm-agent-<version>.jar");
            }
        }

        @Override
        @Atomic(readOnly = true)
        public long get(int key) {
            return map.get(key);
        }

        @Override
        @Atomic
        public void put(int key, long value) {
            map.put(key, value);
        }

        @Override
        @Atomic
        public void move(int from, int to) {
            map.put(from, map.get(from) - 1);
            map.put(to, map.get(to) + 1);
        }

        @Override
        @Atomic(readOnly = true)
        public long total() {
            long s = 0;
            for (long v : map.values()) {
                s += v;
            }
            return s;
        }
    }

    /** {@code Stm.atomic} with lambdas. */
    static final class Lambdas extends Base {
        @Override
        public long get(int key) {
            return Stm.atomic(() -> map.get(key));
        }

        @Override
        public void put(int key, long value) {
            Stm.atomic(() -> {
                map.put(key, value);
            });
        }

        @Override
        public void move(int from, int to) {
            Stm.atomic(() -> {
                map.put(from, map.get(from) - 1);
                map.put(to, map.get(to) + 1);
            });
        }

        @Override
        public long total() {
            return Stm.atomic(() -> map.values().stream().mapToLong(Long::longValue).sum());
        }
    }
}
