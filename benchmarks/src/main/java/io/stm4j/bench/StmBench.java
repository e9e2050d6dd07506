package io.stm4j.bench;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * The engine workloads of {@code shared/design/benchmarks.md}: each call is one transaction, the
 * score is transactions per second (summed over the threads). The {@code engine} parameter selects
 * the engine; each workload lists the engines it applies to (the read-only stm4j variant only
 * where a read-only transaction occurs, the {@code AtomicLong} floor only for the counter).
 *
 * <p>At trial teardown every engine must have conserved the bank total, kept the hot cells equal,
 * and counted every committed increment exactly once; otherwise the teardown throws
 * {@link IllegalStateException} and JMH reports the benchmark as failed, not as a result.
 *
 * <p>Defaults are the settings of benchmarks.md; {@code benchmarks/run.sh} passes them explicitly.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class StmBench {

    /** A freshly initialised engine per trial (per fork, with {@code -f 1}) and its checks. */
    public abstract static class EngineState {
        Bank bank;
        /** Registered by the threads that increment the counter. */
        final List<Incrementer> incrementers = new CopyOnWriteArrayList<>();

        final void open(String engine) {
            bank = Engines.create(engine);
        }

        final void verify(String engine) {
            StringBuilder broken = new StringBuilder();
            long incs = 0;
            for (Incrementer w : incrementers) {
                incs += w.committed;
            }
            long counter = bank.readCounter();
            if (counter != incs) {
                broken.append(" counter=").append(counter).append(" but ").append(incs)
                        .append(" increments returned normally;");
            }
            if (bank.hasAccounts()) {
                long total = bank.total();
                if (total != Bank.EXPECTED_TOTAL) {
                    broken.append(" bank total=").append(total).append(", expected ")
                            .append(Bank.EXPECTED_TOTAL).append(';');
                }
                long[] hot = bank.hotCells();
                for (long h : hot) {
                    if (h != hot[0]) {
                        broken.append(" hot cells differ: ").append(java.util.Arrays.toString(hot)).append(';');
                        break;
                    }
                }
            }
            if (broken.length() > 0) {
                throw new IllegalStateException("invariant broken by engine '" + engine + "':" + broken);
            }
        }
    }

    /** read1. */
    @State(Scope.Benchmark)
    public static class ReadEngines extends EngineState {
        @Param({"stm4j-agent", "stm4j", "stm4j-ro", "scalastm", "multiverse", "clojure", "sync", "rlock", "stamped", "atomic"})
        public String engine;

        @Setup(Level.Trial)
        public void setUp() {
            open(engine);
        }

        @TearDown(Level.Trial)
        public void check() {
            verify(engine);
        }
    }

    /** inc1_t1, inc1_t2. */
    @State(Scope.Benchmark)
    public static class CounterEngines extends EngineState {
        @Param({"stm4j-agent", "stm4j", "scalastm", "multiverse", "clojure", "sync", "rlock", "stamped", "atomic"})
        public String engine;

        @Setup(Level.Trial)
        public void setUp() {
            open(engine);
        }

        @TearDown(Level.Trial)
        public void check() {
            verify(engine);
        }
    }

    /** transfer_t1, transfer_t2, hot_t2. */
    @State(Scope.Benchmark)
    public static class BankEngines extends EngineState {
        @Param({"stm4j-agent", "stm4j", "scalastm", "multiverse", "clojure", "sync", "rlock", "stamped"})
        public String engine;

        @Setup(Level.Trial)
        public void setUp() {
            open(engine);
        }

        @TearDown(Level.Trial)
        public void check() {
            verify(engine);
        }
    }

    /** readMostly_t2. */
    @State(Scope.Benchmark)
    public static class ReadMostlyEngines extends EngineState {
        @Param({"stm4j-agent", "stm4j", "stm4j-ro", "scalastm", "multiverse", "clojure", "sync", "rlock", "stamped"})
        public String engine;

        @Setup(Level.Trial)
        public void setUp() {
            open(engine);
        }

        @TearDown(Level.Trial)
        public void check() {
            verify(engine);
        }
    }

    /** A thread's count of committed increments, summed by the teardown check. */
    @State(Scope.Thread)
    public static class Incrementer {
        long committed;

        @Setup(Level.Trial)
        public void join(CounterEngines engines) {
            engines.incrementers.add(this);
        }
    }

    /** A thread's random choices (xorshift, seeded by thread index: the same choices for every engine). */
    @State(Scope.Thread)
    public static class Worker {
        private long seed;
        /** The accounts of the next sum: one per block of 64, so strictly ascending and distinct. */
        final int[] sixteen = new int[Bank.SUM_WIDTH];

        @Setup(Level.Trial)
        public void setUp(ThreadParams threads) {
            seed = 0x9E3779B97F4A7C15L * (threads.getThreadIndex() + 1);
        }

        int next(int bound) {
            long x = seed;
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            seed = x;
            return (int) ((x >>> 33) % bound);
        }

        void transfer(Bank bank) {
            int from = next(Bank.ACCOUNTS);
            int to = next(Bank.ACCOUNTS - 1);
            if (to >= from) {
                to++;
            }
            bank.transfer(from, to);
        }

        int[] pickSixteen() {
            int block = Bank.ACCOUNTS / Bank.SUM_WIDTH;
            for (int i = 0; i < Bank.SUM_WIDTH; i++) {
                sixteen[i] = i * block + next(block);
            }
            return sixteen;
        }
    }

    // ---------------------------------------------------------------- the workloads

    @Benchmark
    @Threads(1)
    public long read1(ReadEngines s) {
        return s.bank.readCounter();
    }

    @Benchmark
    @Threads(1)
    public void inc1_t1(CounterEngines s, Incrementer w) {
        s.bank.incCounter();
        w.committed++;
    }

    @Benchmark
    @Threads(2)
    public void inc1_t2(CounterEngines s, Incrementer w) {
        s.bank.incCounter();
        w.committed++;
    }

    @Benchmark
    @Threads(1)
    public void transfer_t1(BankEngines s, Worker w) {
        w.transfer(s.bank);
    }

    @Benchmark
    @Threads(2)
    public void transfer_t2(BankEngines s, Worker w) {
        w.transfer(s.bank);
    }

    /** 90%: read-only sum of 16 random accounts; 10%: a transfer. */
    @Benchmark
    @Threads(2)
    public long readMostly_t2(ReadMostlyEngines s, Worker w) {
        if (w.next(10) == 0) {
            w.transfer(s.bank);
            return 0L;
        }
        return s.bank.sum(w.pickSixteen());
    }

    @Benchmark
    @Threads(2)
    public void hot_t2(BankEngines s) {
        s.bank.incHot();
    }
}
