package io.stm4j.it.property;

import static org.assertj.core.api.Assertions.assertThat;

import io.stm4j.testkit.EngineAudit;
import io.stm4j.it.support.Flavor;
import io.stm4j.testkit.EngineQuiescence;
import io.stm4j.testkit.OtherThread;
import io.stm4j.testkit.Stress;
import io.stm4j.testkit.ThreadKind;
import io.stm4j.testkit.Workers;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Priority that holds for any body (contract semantics 3), and costs only those who conflict with
 * it: a transaction that keeps losing wins whatever it does between reads, and while it is
 * privileged only commits that touch what it read or wrote wait for it, for at most its lease.
 * Counted with the engine's count of commits that waited ({@link EngineAudit#deferredCommits()}),
 * never by timing. Each case, on both APIs and thread kinds:
 * <ul>
 *   <li>a body over 200 fields that parks ~20 µs after each read, while two threads keep moving
 *       values among those fields, commits within a few attempts of taking priority;</li>
 *   <li>while a privileged body computes, then while it is parked, no disjoint commit waits for it;
 *       a commit to a cell it read waits until it has committed;</li>
 *   <li>a privileged body parked for good holds up conflicting commits once each, for its lease,
 *       then they go on; one that dies gives the priority back;</li>
 *   <li>a privileged body that waits (blocked, or spinning) for another thread's transaction does
 *       not deadlock with it: a disjoint one never waits, a conflicting one waits out the lease.</li>
 * </ul>
 */
@ExtendWith(EngineQuiescence.class)
class PriorityPropertyTest {
    /** The engine's threshold ({@code -Dstm4j.priorityAfter}, default 12). */
    private static final int PRIORITY_AFTER = Integer.getInteger("stm4j.priorityAfter", 12);

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.stm4j.it.support.Flavor#all")
    void aBodyThatParksAfterEveryReadWinsWhileTwoThreadsMoveValuesAmongItsFields(Flavor flavor) throws Exception {
        int cells = 200;
        Grid grid = Grid.create(flavor.api, cells);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong moves = new AtomicLong();
        AtomicLong attempts = new AtomicLong();
        long[] total = {-1};
        long t0 = System.nanoTime();
        Workers w = Workers.of(flavor.kind, "priority-parking");
        w.add(2, i -> {
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            while (!stop.get() && !w.failed()) {
                int from = rnd.nextInt(cells);
                grid.move(from, (from + 1 + rnd.nextInt(cells - 1)) % cells, 1 + rnd.nextInt(3));
                moves.incrementAndGet();
                ThreadKind.beFair();
            }
        });
        w.add(1, i -> {
            try {
                while (moves.get() < 1_000 && !w.failed()) {
                    ThreadKind.pause();
                }
                total[0] = grid.sumIntoTotal(() -> LockSupport.parkNanos(20_000), attempts);
            } finally {
                stop.set(true);
            }
        });
        w.run();
        assertThat(total[0]).as("the sum it read: moves keep it at 0, a torn snapshot would not").isZero();
        assertThat(grid.total()).isZero();
        assertThat(grid.sum()).isZero();
        assertThat(attempts.get()).as("attempts of the parking transaction (priority after %d losses)", PRIORITY_AFTER)
                .isBetween(1L, PRIORITY_AFTER + 4L);
        assertThat(grid.assertNoCellLocked()).isEqualTo(cells + 1);
        Stress.report("property", "priority-parking-body", flavor, 3, moves.get() + 1, 0,
                (System.nanoTime() - t0) / 1_000_000, "attempts=" + attempts.get() + " moves=" + moves.get());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.stm4j.it.support.Flavor#all")
    void whileAPrivilegedBodyComputesOrIsParkedOnlyCommitsToWhatItReadWaitForIt(Flavor flavor) throws Exception {
        Grid grid = Grid.create(flavor.api, 8);
        Grid elsewhere = Grid.create(flavor.api, 8);
        AtomicBoolean endComputing = new AtomicBoolean();
        CountDownLatch computing = new CountDownLatch(1);
        CountDownLatch parked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Privileged p = new Privileged(flavor.kind, grid, () -> {
            computing.countDown();
            while (!endComputing.get()) {
                Thread.onSpinWait(); // RUNNABLE: a body that computes
            }
            parked.countDown();
            await(release); // WAITING: a body that blocks
        });
        long before = EngineAudit.deferredCommits();
        try {
            assertThat(computing.await(Stress.timeout().toSeconds(), TimeUnit.SECONDS)).isTrue();
            before = EngineAudit.deferredCommits();
            long disjoint = disjointCommits(flavor.kind, grid, elsewhere);
            assertThat(EngineAudit.deferredCommits() - before)
                    .as("of %d commits disjoint from a privileged body that computes, those that waited", disjoint).isZero();
            endComputing.set(true);
            assertThat(parked.await(Stress.timeout().toSeconds(), TimeUnit.SECONDS)).isTrue();
            disjoint = disjointCommits(flavor.kind, grid, elsewhere);
            assertThat(EngineAudit.deferredCommits() - before)
                    .as("of %d commits disjoint from a parked privileged body, those that waited", disjoint).isZero();

            assertThat(EngineAudit.priorityLeaseRuns())
                    .as("the privileged attempt's lease (1 s) still runs: else this machine is too slow for the test").isTrue();
            Thread conflicting = flavor.kind.newThread("conflicting", () -> grid.increment(0));
            conflicting.start();
            awaitCount(before + 1); // it found the cell the privileged body read marked, and waits
            release.countDown();
            p.join();
            conflicting.join(Stress.timeout().toMillis());
            assertThat(conflicting.isAlive()).isFalse();
        } finally {
            endComputing.set(true);
            release.countDown();
            p.join();
        }
        assertThat(EngineAudit.deferredCommits() - before).as("commits that waited: the conflicting one, once")
                .isEqualTo(1L);
        p.assertCommitted(grid);
        if (p.committedInTheAttemptThatWaited()) {
            assertThat(grid.sum()).as("the conflicting increment came after its commit").isEqualTo(grid.total() + 1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.stm4j.it.support.Flavor#all")
    void aPrivilegedBodyParkedForGoodHoldsConflictingCommitsUpForItsLeaseOnlyThenTheyGoOn(Flavor flavor)
            throws Exception {
        Grid grid = Grid.create(flavor.api, 8);
        CountDownLatch parked = new CountDownLatch(1);
        Privileged p = new Privileged(flavor.kind, grid, () -> {
            parked.countDown();
            await(new CountDownLatch(1)); // for good: until interrupted
        });
        int threads = Stress.THREADS;
        int each = 200;
        long before = 0;
        try {
            assertThat(parked.await(Stress.timeout().toSeconds(), TimeUnit.SECONDS)).isTrue();
            before = EngineAudit.deferredCommits();
            Workers w = Workers.of(flavor.kind, "held-up");
            w.add(threads, i -> {
                // cell 0, which the parked body read, first; then a cell of its own (no other conflict)
                for (int n = 0; n < each && !w.failed(); n++) {
                    grid.increment(n == 0 ? 0 : 1 + i % 7);
                    ThreadKind.beFair();
                }
            });
            w.run();
            assertThat(p.thread.isAlive()).as("still parked when the others were done").isTrue();
        } finally {
            p.thread.interrupt();
            p.join();
        }
        long deferred = EngineAudit.deferredCommits() - before;
        assertThat(deferred).as("commits that waited for the parked privileged body (%d threads, at most once each)",
                threads).isBetween(1L, (long) threads);
        assertThat(p.thrown.get()).as("its body ended with the interrupt").hasRootCauseInstanceOf(InterruptedException.class);
        assertThat(grid.sum()).as("every increment counted, the parked transaction's write dropped")
                .isEqualTo((long) threads * each + p.bumps.get());
        assertThat(grid.total()).isZero();
        assertThat(EngineAudit.priorityHeld()).as("the interrupted transaction gave the priority back").isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.stm4j.it.support.Flavor#all")
    void aPrivilegedBodyThatDiesGivesThePriorityBack(Flavor flavor) throws Exception {
        Grid grid = Grid.create(flavor.api, 8);
        Privileged p = new Privileged(flavor.kind, grid, () -> {
            throw new IllegalStateException("died mid-body");
        });
        p.join();
        assertThat(p.thrown.get()).hasMessage("died mid-body");
        assertThat(EngineAudit.priorityHeld()).isFalse();
        long before = EngineAudit.deferredCommits();
        for (int n = 0; n < 100; n++) {
            grid.increment(0);
        }
        assertThat(EngineAudit.deferredCommits() - before).as("commits that waited for a dead transaction").isZero();
        assertThat(grid.sum()).isEqualTo(100L + p.bumps.get());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.stm4j.it.support.Flavor#all")
    void aPrivilegedBodyThatWaitsForADisjointTransactionOfAnotherThreadDoesNotHoldItUp(Flavor flavor)
            throws Exception {
        Grid grid = Grid.create(flavor.api, 8);
        Grid elsewhere = Grid.create(flavor.api, 8);
        long before = EngineAudit.deferredCommits();
        Privileged p = new Privileged(flavor.kind, grid, () -> {
            // blocked: joins the other thread
            OtherThread.runFresh("disjoint-blocking", () -> elsewhere.increment(0));
            // spinning (RUNNABLE) until the other thread's transaction has committed
            AtomicBoolean done = new AtomicBoolean();
            Thread t = flavor.kind.newThread("disjoint-spinning", () -> {
                elsewhere.increment(1);
                done.set(true);
            });
            t.start();
            while (!done.get()) {
                Thread.onSpinWait();
            }
            t.join();
        });
        p.join();
        p.assertCommitted(grid);
        assertThat(p.committedInTheAttemptThatWaited()).as("it won the attempt in which it waited").isTrue();
        assertThat(EngineAudit.deferredCommits() - before).as("disjoint commits that waited for it").isZero();
        assertThat(elsewhere.sum()).isEqualTo(2L);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.stm4j.it.support.Flavor#all")
    void aPrivilegedBodyThatWaitsForAConflictingTransactionOfAnotherThreadDoesNotDeadlock(Flavor flavor)
            throws Exception {
        Grid grid = Grid.create(flavor.api, 8);
        long before = EngineAudit.deferredCommits();
        Privileged p = new Privileged(flavor.kind, grid,
                () -> OtherThread.runFresh("conflicting-blocking", () -> grid.increment(0)));
        p.join();
        p.assertCommitted(grid);
        assertThat(EngineAudit.deferredCommits() - before)
                .as("the conflicting commit waited out the lease, once, then went on").isEqualTo(1L);
        assertThat(p.committedInTheAttemptThatWaited()).as("its read was overwritten: it ran again").isFalse();
        assertThat(grid.sum()).as("the re-run read the increment").isEqualTo(grid.total());
    }

    /** Two threads commit 300 increments each to cells the privileged body has not read. */
    private static long disjointCommits(ThreadKind kind, Grid grid, Grid elsewhere) throws InterruptedException {
        Workers w = Workers.of(kind, "disjoint");
        w.add(2, i -> {
            for (int n = 0; n < 300 && !w.failed(); n++) {
                (i == 0 ? elsewhere : grid).increment(1 + n % 7); // the body has read cell 0 only
                ThreadKind.beFair();
            }
        });
        w.run();
        return 600;
    }

    private static void awaitCount(long deferred) {
        long deadline = System.nanoTime() + Stress.timeout().toNanos();
        while (EngineAudit.deferredCommits() < deferred) {
            assertThat(System.nanoTime() - deadline).as("a commit started to wait").isNegative();
            ThreadKind.pause();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            throw new IllegalStateException("interrupted while parked mid-body", e);
        }
    }

    /**
     * {@link Grid#sumIntoTotal} on a thread of its own that takes priority the way a real loser does:
     * in each attempt another thread increments cell 0 after the body read it, until the attempt
     * runs with priority. That first privileged attempt then lasts 300 ms and loses once more (its
     * 50 ms lease has ended, so the increment does not wait), which makes its next lease the
     * longest, 1 s; in that next attempt, after reading cell 0, the body runs {@code midBody}
     * once. Later attempts just read.
     */
    private static final class Privileged {
        final Thread thread;
        final AtomicReference<Throwable> thrown = new AtomicReference<>();
        final AtomicLong attempts = new AtomicLong();
        final AtomicLong bumps = new AtomicLong();
        private volatile long result = -1;
        private volatile long midBodyAttempt;

        Privileged(ThreadKind kind, Grid grid, OtherThread.Body midBody) {
            long[] readsInAttempt = {0, 0};
            int[] stage = {0};
            thread = kind.newThread("privileged", () -> {
                try {
                    result = grid.sumIntoTotal(() -> {
                        if (readsInAttempt[0] != attempts.get()) {
                            readsInAttempt[0] = attempts.get();
                            readsInAttempt[1] = 0;
                        }
                        if (readsInAttempt[1]++ != 0 || stage[0] == 2) {
                            return; // only right after the first read (cell 0) of an attempt
                        }
                        try {
                            if (!EngineAudit.priorityHeld()) {
                                bump(grid);
                            } else if (stage[0] == 0) {
                                stage[0] = 1;
                                long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
                                while (System.nanoTime() - end < 0) {
                                    Thread.onSpinWait();
                                }
                                bump(grid);
                            } else {
                                stage[0] = 2;
                                midBodyAttempt = attempts.get();
                                midBody.run();
                            }
                        } catch (RuntimeException | Error e) {
                            throw e;
                        } catch (Throwable e) {
                            throw new IllegalStateException(e);
                        }
                    }, attempts);
                } catch (Throwable e) {
                    thrown.set(e);
                }
            });
            thread.start();
        }

        private void bump(Grid grid) throws Throwable {
            OtherThread.runFresh("bump", () -> grid.increment(0));
            bumps.incrementAndGet();
        }

        void join() throws InterruptedException {
            thread.join(Stress.timeout().toMillis());
            assertThat(thread.isAlive()).as("the privileged transaction ended in time").isFalse();
        }

        boolean committedInTheAttemptThatWaited() {
            return attempts.get() == midBodyAttempt;
        }

        void assertCommitted(Grid grid) {
            assertThat(thrown.get()).as("what the privileged transaction threw").isNull();
            assertThat(result).as("its sum").isEqualTo(grid.total());
            assertThat(midBodyAttempt).as("the attempt that ran the mid-body step").isGreaterThan(PRIORITY_AFTER);
            assertThat(attempts.get()).as("its attempts").isBetween(midBodyAttempt, midBodyAttempt + 2);
        }
    }
}
