package io.stm4j.it.collections;

import static org.assertj.core.api.Assertions.assertThat;

import io.stm4j.Atomic;
import io.stm4j.Stm;
import io.stm4j.collections.TxMap;
import io.stm4j.it.collections.Way.Style;
import io.stm4j.testkit.EngineQuiescence;
import io.stm4j.testkit.Stress;
import io.stm4j.testkit.ThreadKind;
import io.stm4j.testkit.Workers;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link TxMap}'s promise that transactions touching different keys do not conflict, measured:
 * threads each insert keys of their own into one map, one transaction per insert (which also
 * does a few microseconds of work after its insert, see {@link #work}), and every attempt of a
 * body is counted (a counter incremented inside it), so attempts less commits are the
 * re-runs. The re-runs must stay under {@value #MAX_RERUN_PERCENT}% of the commits — a map with
 * one size counter or root that every insert bumped would re-run a large share — and the figure
 * is printed ({@code disjoint inserts: ...}) to be quoted.
 *
 * <p>Since how often transactions overlap depends on the scheduler (on two busy cores, rarely),
 * the promise is also checked where they surely overlap: two threads in lockstep, each inserting
 * its key in a transaction that waits, after its insert and before its commit, until the other
 * has inserted too (in its first attempt only). A shared counter would make one of each pair
 * re-run (50%); distinct keys must re-run under {@value #MAX_RERUN_PERCENT}%.
 *
 * <p>And with {@code size()}: readers call {@code size()} in transactions of their own while the
 * inserts go on. The size each reader sees never decreases (only inserts run), the final size is
 * the number of keys inserted, and the inserts still re-run under {@value #MAX_RERUN_PERCENT}%
 * (size reads write nothing, so they make no insert re-run; the readers' own re-runs are printed
 * but not bounded, since every insert changes what a size read depends on).
 *
 * <p>The map's size is striped by thread (at least 8 stripes); with no more inserting threads
 * than stripes, consecutive thread ids take different stripes. Each style ({@code Stm.atomic},
 * {@code @Atomic}) on both thread kinds.
 */
@ExtendWith(EngineQuiescence.class)
class DisjointInsertConflictTest {
    private static final double MAX_RERUN_PERCENT = 5.0;

    /** One insert in an {@code @Atomic} method, its attempts counted. */
    static final class AnnotatedInserter {
        private final TxMap<Long, Long> map;
        private final LongAdder attempts;

        AnnotatedInserter(TxMap<Long, Long> map, LongAdder attempts) {
            this.map = map;
            this.attempts = attempts;
        }

        @Atomic
        void insert(long key) {
            attempts.increment();
            map.put(key, key);
            work(key);
        }

        @Atomic(readOnly = true)
        int size(LongAdder sizeAttempts) {
            sizeAttempts.increment();
            return map.size();
        }
    }

    /** Where {@link #work} leaves its result, so that the JIT cannot drop it. */
    static volatile long sink;

    /**
     * A few microseconds of computation inside the transaction, after its insert, as a real body
     * would spend: it keeps concurrent transactions overlapping, so that a write they all made (a
     * shared size counter) would make them re-run. Without it, on two cores, inserts are so short
     * that even a map with one shared counter re-runs few of them (0.14% measured).
     */
    static void work(long seed) {
        long x = seed;
        for (int i = 0; i < WORK_STEPS; i++) {
            x = x * 6364136223846793005L + 1442695040888963407L;
        }
        sink = x;
    }

    private static final int WORK_STEPS = 2_000;

    private static int inserters() {
        return Math.min(8, Math.max(2, Stress.THREADS));
    }

    private static void insert(Style style, AnnotatedInserter annotated, TxMap<Long, Long> map, LongAdder attempts, long key) {
        if (style == Style.ANNOTATED) {
            annotated.insert(key);
        } else {
            Stm.atomic(() -> {
                attempts.increment();
                map.put(key, key);
                work(key);
            });
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.stm4j.it.collections.Way#all")
    void insertsOfDistinctKeysRarelyReRun(Way way) throws Exception {
        int threads = inserters();
        int each = Math.max(2_000, 20_000 * Stress.SCALE / threads);
        TxMap<Long, Long> map = TxMap.create();
        LongAdder attempts = new LongAdder();
        AnnotatedInserter annotated = new AnnotatedInserter(map, attempts);
        long t0 = System.nanoTime();
        Workers w = Workers.of(way.kind, "disjoint-inserts");
        w.add(threads, i -> {
            for (int n = 0; n < each && !w.failed(); n++) {
                insert(way.style, annotated, map, attempts, (long) i * each + n);
                ThreadKind.beFair();
            }
        });
        w.run();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        long commits = (long) threads * each;
        long reRuns = attempts.sum() - commits;
        double percent = 100.0 * reRuns / commits;
        System.out.printf("disjoint inserts: %d commits, %d re-runs (%.2f%%)%n", commits, reRuns, percent);
        System.out.printf("  (%s, %d threads, %d ms)%n", way, threads, ms);
        assertThat(map).hasSize((int) commits);
        assertThat(reRuns).isNotNegative();
        assertThat(percent).as("re-runs per commit, in percent, of inserts of distinct keys").isLessThan(MAX_RERUN_PERCENT);
        Stress.report("property", "disjoint-inserts", way, threads, commits, 0, ms, "reRuns=" + reRuns);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.stm4j.it.collections.Way#all")
    void insertsThatSurelyOverlapDoNotConflict(Way way) throws Exception {
        int rounds = Math.max(500, 2_000 * Stress.SCALE);
        TxMap<Long, Long> map = TxMap.create();
        LongAdder attempts = new LongAdder();
        CyclicBarrier bothInside = new CyclicBarrier(2);
        long t0 = System.nanoTime();
        Workers w = Workers.of(way.kind, "overlapping-inserts");
        w.add(2, i -> {
            for (int r = 0; r < rounds && !w.failed(); r++) {
                long key = 2L * r + i;
                boolean[] met = {false};
                InTx.call(way.style, () -> {
                    attempts.increment();
                    map.put(key, key);
                    if (!met[0]) {
                        // both transactions have inserted and neither has committed yet
                        bothInside.await(30, TimeUnit.SECONDS);
                        met[0] = true;
                    }
                    return null;
                });
            }
        });
        w.run();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        long commits = 2L * rounds;
        long reRuns = attempts.sum() - commits;
        double percent = 100.0 * reRuns / commits;
        System.out.printf("overlapping disjoint inserts: %d commits, %d re-runs (%.2f%%)%n", commits, reRuns, percent);
        System.out.printf("  (%s, 2 threads in lockstep, %d ms)%n", way, ms);
        assertThat(map).hasSize((int) commits);
        assertThat(percent).as("re-runs per commit, in percent, of pairs of inserts open at the same time").isLessThan(MAX_RERUN_PERCENT);
        Stress.report("property", "overlapping-inserts", way, 2, commits, 0, ms, "reRuns=" + reRuns);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.stm4j.it.collections.Way#all")
    void sizeReadersDoNotMakeInsertsReRun(Way way) throws Exception {
        int threads = inserters();
        int readers = 2;
        int each = Math.max(2_000, 20_000 * Stress.SCALE / threads);
        TxMap<Long, Long> map = TxMap.create();
        LongAdder attempts = new LongAdder();
        LongAdder sizeAttempts = new LongAdder();
        AtomicLong sizeReads = new AtomicLong();
        AtomicLong shrank = new AtomicLong();
        AtomicInteger insertersLeft = new AtomicInteger(threads);
        AnnotatedInserter annotated = new AnnotatedInserter(map, attempts);
        long t0 = System.nanoTime();
        Workers w = Workers.of(way.kind, "inserts-and-size");
        w.add(threads, i -> {
            try {
                for (int n = 0; n < each && !w.failed(); n++) {
                    insert(way.style, annotated, map, attempts, (long) i * each + n);
                    ThreadKind.beFair();
                }
            } finally {
                insertersLeft.decrementAndGet();
            }
        });
        w.add(readers, i -> {
            int last = 0;
            do {
                int size = way.style == Style.ANNOTATED
                        ? annotated.size(sizeAttempts)
                        : Stm.atomic(() -> {
                            sizeAttempts.increment();
                            return map.size();
                        });
                if (size < last) {
                    shrank.incrementAndGet();
                }
                last = size;
                sizeReads.incrementAndGet();
                ThreadKind.beFair();
            } while (insertersLeft.get() > 0 && !w.failed());
        });
        w.run();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        long commits = (long) threads * each;
        long reRuns = attempts.sum() - commits;
        double percent = 100.0 * reRuns / commits;
        long sizeReRuns = sizeAttempts.sum() - sizeReads.get();
        System.out.printf("disjoint inserts with size() readers: %d commits, %d re-runs (%.2f%%); %d size() reads, %d re-runs%n",
                commits, reRuns, percent, sizeReads.get(), sizeReRuns);
        System.out.printf("  (%s, %d inserting threads, %d readers, %d ms)%n", way, threads, readers, ms);
        assertThat(shrank.get()).as("size() reads smaller than an earlier one of the same reader").isZero();
        assertThat(map.size()).isEqualTo((int) commits);
        assertThat(sizeReads.get()).isPositive();
        assertThat(percent).as("re-runs per commit, in percent, of inserts beside size() readers").isLessThan(MAX_RERUN_PERCENT);
        Stress.report("property", "inserts-and-size", way, threads + readers, commits + sizeReads.get(), 0, ms,
                "reRuns=" + reRuns + " sizeReads=" + sizeReads.get() + " sizeReRuns=" + sizeReRuns);
    }
}
