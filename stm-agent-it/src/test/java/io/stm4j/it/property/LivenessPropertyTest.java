package io.stm4j.it.property;

import static org.assertj.core.api.Assertions.assertThat;

import io.stm4j.it.support.Flavor;
import io.stm4j.testkit.EngineQuiescence;
import io.stm4j.testkit.Stress;
import io.stm4j.testkit.ThreadKind;
import io.stm4j.testkit.Workers;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Liveness with unlimited retries. A long transaction that reads every cell of a grid while all
 * other threads keep incrementing random cells in short transactions completes all its rounds (it
 * is not starved: the engine must eventually let it win), each committed total equals the sum it
 * read, and every short increment is counted exactly once. And many threads whose transactions all
 * read the same hot cells and write two of them — every pair conflicts — all finish (no livelock),
 * with exactly two increments per transaction. Progress is asserted by the bounded join: a starved
 * or livelocked run does not finish and fails; no speed is asserted.
 *
 * <p>With virtual threads every thread is virtual: the engine's own waits never yield on a virtual
 * thread, and the workers' loops park for a microsecond between transactions
 * ({@link ThreadKind#beFair()}), so a long transaction parked by its backoff gets its carrier back.
 */
@ExtendWith(EngineQuiescence.class)
class LivenessPropertyTest {
    /** Test invocations that share this property's time under -Pstress: methods times flavors. */
    private static final int INVOCATIONS = 2 * Flavor.all().size();

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.stm4j.it.support.Flavor#all")
    void aLongTransactionCompletesUnderContention(Flavor flavor) throws Exception {
        Stress.rounds(INVOCATIONS, () -> aLongTransactionCompletesUnderContentionRound(flavor));
    }

    private void aLongTransactionCompletesUnderContentionRound(Flavor flavor) throws Exception {
        int cells = 256;
        int rounds = 10 * Stress.SCALE;
        int hammers = Stress.THREADS - 1;
        Grid grid = Grid.create(flavor.api, cells);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong hammered = new AtomicLong();
        AtomicLong longAttempts = new AtomicLong();
        long[] lastTotal = new long[1];
        long t0 = System.nanoTime();
        Workers w = Workers.of(flavor.kind, "liveness-long");
        w.add(hammers, i -> {
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            while (!stop.get() && !w.failed()) {
                grid.increment(rnd.nextInt(cells));
                hammered.incrementAndGet();
                ThreadKind.beFair();
            }
        });
        w.add(1, i -> {
            try {
                // start once the short transactions are really running (no sleeping)
                while (hammered.get() < 1_000 && !w.failed()) {
                    ThreadKind.pause();
                }
                for (int r = 0; r < rounds && !w.failed(); r++) {
                    lastTotal[0] = grid.sumIntoTotal(100, longAttempts);
                }
            } finally {
                stop.set(true);
            }
        });
        w.run();
        long ms = (System.nanoTime() - t0) / 1_000_000;

        assertThat(longAttempts.get()).as("attempts of the long transaction").isGreaterThanOrEqualTo(rounds);
        assertThat(grid.total()).as("the last committed total is the sum that transaction read").isEqualTo(lastTotal[0]);
        assertThat(grid.sum()).as("every short increment counted once").isEqualTo(hammered.get());
        assertThat(grid.assertNoCellLocked()).isEqualTo(cells + 1);
        Stress.report("property", "liveness-long", flavor, Stress.THREADS, hammered.get() + rounds, 0, ms,
                "longRounds=" + rounds + " longAttempts=" + longAttempts.get());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.stm4j.it.support.Flavor#all")
    void manyConflictingThreadsAllFinish(Flavor flavor) throws Exception {
        Stress.rounds(INVOCATIONS, () -> manyConflictingThreadsAllFinishRound(flavor));
    }

    private void manyConflictingThreadsAllFinishRound(Flavor flavor) throws Exception {
        int cells = 8;
        int threads = Stress.THREADS;
        int each = Math.max(500, 60_000 * Stress.SCALE / threads);
        Grid grid = Grid.create(flavor.api, cells);
        AtomicLong attempts = new AtomicLong();
        long t0 = System.nanoTime();
        Workers w = Workers.of(flavor.kind, "liveness-livelock");
        w.add(threads, i -> {
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            for (int n = 0; n < each && !w.failed(); n++) {
                int a = rnd.nextInt(cells);
                int b = (a + 1 + rnd.nextInt(cells - 1)) % cells;
                grid.readAllAddTwo(a, b, 200, attempts);
                ThreadKind.beFair();
            }
        });
        w.run();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        long txns = (long) threads * each;
        assertThat(grid.sum()).as("two increments per transaction").isEqualTo(2 * txns);
        assertThat(grid.assertNoCellLocked()).isGreaterThanOrEqualTo(cells);
        Stress.report("property", "liveness-livelock", flavor, threads, txns, 0, ms, "attempts=" + attempts.get());
    }
}
