package io.stm4j.bench.collections;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * The transactional collections against their peers, ops/s summed over threads.
 *
 * <ul>
 *   <li>{@code map_get}, {@code map_put}, {@code map_move} ({@code _t1}, {@code _t2}): each
 *       operation one transaction over a {@value MapEngine#KEYS}-key map, random keys: a read; a
 *       write of a present key; two reads and two writes moving one unit between two keys. stm4j
 *       ({@code @Atomic} and {@code Stm.atomic}) against ScalaSTM's {@code TMap} and Multiverse's
 *       {@code NaiveTxnHashMap}. The teardown checks that the map's total is conserved.</li>
 *   <li>{@code mapOne_get}, {@code mapOne_put}: one call outside any transaction, against
 *       {@code ConcurrentHashMap}.</li>
 *   <li>{@code queue_cycle_t1}: an offer then a poll; {@code queue_pc}: one producer thread and one
 *       consumer thread on a bounded queue (the group's ops/s); stm4j's {@code TxQueue} against
 *       Multiverse's queue and {@code LinkedBlockingQueue}. The teardown checks that every element
 *       offered was polled or is still there.</li>
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CollectionBench {

    /** The map workloads in transactions. */
    @State(Scope.Benchmark)
    public static class Maps {
        @Param({"stm4j-agent", "stm4j", "scalastm", "multiverse"})
        public String engine;
        MapEngine map;

        @Setup(Level.Trial)
        public void setUp() {
            map = MapEngine.create(engine);
        }

        @TearDown(Level.Trial)
        public void check() {
            long expected = MapEngine.KEYS * MapEngine.INITIAL;
            long total = map.total();
            if (total != expected) {
                throw new IllegalStateException("invariant broken by map engine '" + engine + "': total " + total
                        + ", expected " + expected);
            }
        }
    }

    /** The single map operations outside transactions. */
    @State(Scope.Benchmark)
    public static class MapsOutside {
        @Param({"stm4j", "chm", "scalastm"})
        public String engine;
        MapEngine map;

        @Setup(Level.Trial)
        public void setUp() {
            map = MapEngine.create(engine);
        }

        @TearDown(Level.Trial)
        public void check() {
            long total = map.total();
            if (total != MapEngine.KEYS * MapEngine.INITIAL) {
                throw new IllegalStateException("invariant broken by map engine '" + engine + "': total " + total);
            }
        }
    }

    /** The queue workloads (one group per run: the queue is the benchmark's). */
    @State(Scope.Benchmark)
    public static class Queues {
        @Param({"stm4j", "multiverse", "lbq"})
        public String engine;
        QueueEngine queue;
        final LongAdder offered = new LongAdder();
        final LongAdder polled = new LongAdder();

        @Setup(Level.Trial)
        public void setUp() {
            queue = QueueEngine.create(engine);
        }

        @TearDown(Level.Trial)
        public void check() {
            long left = queue.size();
            if (offered.sum() != polled.sum() + left) {
                throw new IllegalStateException("invariant broken by queue engine '" + engine + "': offered "
                        + offered.sum() + ", polled " + polled.sum() + ", left " + left);
            }
        }
    }

    /** A thread's random keys (xorshift seeded by thread index: the same keys for every engine). */
    @State(Scope.Thread)
    public static class Keys {
        private long seed;

        @Setup(Level.Trial)
        public void setUp(ThreadParams threads) {
            seed = 0x9E3779B97F4A7C15L * (threads.getThreadIndex() + 1);
        }

        int next() {
            long x = seed;
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            seed = x;
            return (int) ((x >>> 33) % MapEngine.KEYS);
        }

        int other(int key) {
            int k = next();
            return k == key ? (k + 1) % MapEngine.KEYS : k;
        }
    }

    private static final Long ELEMENT = 7L;

    // ---------------------------------------------------------------- maps in transactions

    @Benchmark
    @Threads(1)
    public long map_get_t1(Maps s, Keys k) {
        return s.map.get(k.next());
    }

    @Benchmark
    @Threads(2)
    public long map_get_t2(Maps s, Keys k) {
        return s.map.get(k.next());
    }

    @Benchmark
    @Threads(1)
    public void map_put_t1(Maps s, Keys k) {
        s.map.put(k.next(), MapEngine.INITIAL);
    }

    @Benchmark
    @Threads(2)
    public void map_put_t2(Maps s, Keys k) {
        s.map.put(k.next(), MapEngine.INITIAL);
    }

    @Benchmark
    @Threads(1)
    public void map_move_t1(Maps s, Keys k) {
        int from = k.next();
        s.map.move(from, k.other(from));
    }

    @Benchmark
    @Threads(2)
    public void map_move_t2(Maps s, Keys k) {
        int from = k.next();
        s.map.move(from, k.other(from));
    }

    // ---------------------------------------------------------------- single operations outside

    @Benchmark
    @Threads(1)
    public long mapOne_get_t1(MapsOutside s, Keys k) {
        return s.map.getOne(k.next());
    }

    @Benchmark
    @Threads(1)
    public void mapOne_put_t1(MapsOutside s, Keys k) {
        s.map.putOne(k.next(), MapEngine.INITIAL);
    }

    // ---------------------------------------------------------------- queues

    @Benchmark
    @Threads(1)
    public Long queue_cycle_t1(Queues s) {
        if (s.queue.offer(ELEMENT)) {
            s.offered.increment();
        }
        Long e = s.queue.poll();
        if (e != null) {
            s.polled.increment();
        }
        return e;
    }

    @Benchmark
    @Group("queue_pc")
    @GroupThreads(1)
    public boolean producer(Queues s) {
        boolean added = s.queue.offer(ELEMENT);
        if (added) {
            s.offered.increment();
        }
        return added;
    }

    @Benchmark
    @Group("queue_pc")
    @GroupThreads(1)
    public Long consumer(Queues s) {
        Long e = s.queue.poll();
        if (e != null) {
            s.polled.increment();
        }
        return e;
    }
}
