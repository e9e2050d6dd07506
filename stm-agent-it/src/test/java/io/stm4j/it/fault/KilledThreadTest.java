package io.stm4j.it.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.stm4j.testkit.EngineAudit;
import io.stm4j.it.support.Api;
import io.stm4j.it.support.Flavor;
import io.stm4j.testkit.EngineQuiescence;
import io.stm4j.testkit.OtherThread;
import io.stm4j.testkit.Stress;
import io.stm4j.testkit.ThreadKind;
import io.stm4j.testkit.Workers;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A thread that dies or stops for good in the middle of a transaction body. {@code Thread.stop}
 * does not work on JDK 20+, so a death is an uncaught {@link Killed} error thrown out of the body
 * and out of the thread, and a thread that stops for good is one parked forever mid-body (it holds
 * its snapshot and its buffered writes) until it is interrupted at the end. Asserted: the dead
 * thread's transaction left no trace; while the parked one waits, other threads run transfers over
 * the same accounts to completion (bounded), each applied exactly (the model), without ever seeing
 * its writes; once interrupted, its body ends with the InterruptedException, unchanged, and its
 * transaction leaves no trace; and after each, the full audit (no cell locked, no engine lock).
 * The same with the parked transaction holding the engine's priority: the others still finish, and
 * only the commits that come before its lease ends wait for it (the summary line shows the cost).
 */
@ExtendWith(EngineQuiescence.class)
class KilledThreadTest {
    private static final int ACCOUNTS = 8;
    private static final long INITIAL = 1_000;
    private final OtherThread other = new OtherThread();

    @AfterEach
    void close() {
        other.close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.stm4j.it.support.Flavor#all")
    void aThreadKilledMidBodyLeavesNoTrace(Flavor flavor) throws Exception {
        FaultBank bank = FaultBank.create(flavor.api, ACCOUNTS, INITIAL);
        Model model = new Model(ACCOUNTS, INITIAL);
        long t0 = System.nanoTime();
        int kills = 0;
        for (Point where : new Point[] {Point.AFTER_READS, Point.AFTER_SOME_WRITES, Point.AFTER_ALL_WRITES, Point.IN_NESTED}) {
            Script s = Script.clean().on(where, a -> {
                throw new Killed("killed mid-body " + where);
            });
            AtomicReference<Throwable> uncaught = new AtomicReference<>();
            Thread victim = flavor.kind.newThread("killed", () -> {
                try {
                    bank.transfer(0, 1, 10, s);
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            victim.setUncaughtExceptionHandler((t, e) -> uncaught.set(e));
            victim.start();
            victim.join(Stress.timeout().toMillis());
            assertThat(victim.isAlive()).isFalse();
            assertThat(uncaught.get()).as("what killed the thread").isInstanceOf(Killed.class)
                    .hasMessageContaining(where.toString());
            kills++;
            model.audit(bank, "a thread killed " + where);
        }
        long transfers = othersTransfer(flavor, bank, model, null);
        Stress.report("fault", "killed-thread", flavor, Stress.THREADS, kills + transfers, kills,
                (System.nanoTime() - t0) / 1_000_000, "");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.stm4j.it.support.Flavor#all")
    void aThreadParkedForeverMidBodyDoesNotStopTheOthers(Flavor flavor) throws Exception {
        long t0 = System.nanoTime();
        FaultBank bank = FaultBank.create(flavor.api, ACCOUNTS, INITIAL);
        Model model = new Model(ACCOUNTS, INITIAL);
        Parked parked = park(flavor.kind, bank, 1);
        long transfers = othersTransfer(flavor, bank, model, parked);
        parked.release(model, bank);
        Stress.report("fault", "parked-thread", flavor, Stress.THREADS + 1, transfers + 1, 1,
                (System.nanoTime() - t0) / 1_000_000, "");
    }

    @ParameterizedTest
    @EnumSource(Api.class)
    void aThreadParkedForeverWithPriorityDoesNotStopTheOthers(Api api) throws Exception {
        Flavor flavor = Flavor.all().stream().filter(f -> f.api == api && f.kind == ThreadKind.PLATFORM).findFirst()
                .orElseThrow();
        FaultBank bank = FaultBank.create(api, ACCOUNTS, INITIAL);
        Model model = new Model(ACCOUNTS, INITIAL);
        long t0 = System.nanoTime();
        othersTransfer(flavor, bank, model, null, 5);
        long freeMs = (System.nanoTime() - t0) / 1_000_000;
        // lose 15 times in a row (another thread bumps a balance it read), then park: with priority
        Parked parked = park(ThreadKind.PLATFORM, bank, 16);
        assertThat(EngineAudit.priorityHeld()).as("the parked transaction holds the priority gate").isTrue();
        long t1 = System.nanoTime();
        long deferredBefore = EngineAudit.deferredCommits();
        long transfers = othersTransfer(flavor, bank, model, parked, 5);
        long deferred = EngineAudit.deferredCommits() - deferredBefore;
        long blockedMs = (System.nanoTime() - t1) / 1_000_000;
        // Its lease ends once: after that no commit waits for it. Commits may still defer to
        // another transaction of the run that takes the gate, but that one commits; not all of them.
        assertThat(deferred).as("commits of the others that waited for a privileged transaction, of %d", transfers)
                .isLessThan(transfers / 2);
        parked.release(model, bank);
        Stress.report("fault", "parked-privileged-thread", flavor, Stress.THREADS + 1, 2 * transfers + 1, 1,
                (System.nanoTime() - t0) / 1_000_000, "othersMsWithoutIt=" + freeMs + " othersMsWhileItIsParked="
                        + blockedMs + " othersTransfers=" + transfers + " othersDeferred=" + deferred);
    }

    /** A thread parked forever in the body of a transfer. */
    private static final class Parked {
        final Thread thread;
        final Script script;
        final AtomicReference<Throwable> thrown;

        Parked(Thread thread, Script script, AtomicReference<Throwable> thrown) {
            this.thread = thread;
            this.script = script;
            this.thrown = thrown;
        }

        /** Interrupts it; its body must end with the InterruptedException and leave no trace. */
        void release(Model model, FaultBank bank) throws InterruptedException {
            assertThat(thread.isAlive()).as("still parked when the others were done").isTrue();
            thread.interrupt();
            thread.join(Stress.timeout().toMillis());
            assertThat(thread.isAlive()).as("parked thread still alive after the interrupt").isFalse();
            assertThat(thrown.get()).as("what its transfer threw").isInstanceOf(InterruptedException.class);
            assertThat(script.log()).doesNotContain("commit-1").contains("rollback-1", "rollback-2");
            model.audit(bank, "the parked thread was interrupted");
        }
    }

    /**
     * Starts a transfer 0 → 1 that conflicts in its first {@code parkAt - 1} attempts (another
     * thread bumps the balance it read) and parks forever in attempt {@code parkAt}, after writing
     * both balances; returns once it is parked.
     */
    private Parked park(ThreadKind kind, FaultBank bank, int parkAt) throws InterruptedException {
        CountDownLatch isParked = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        Script s = Script.clean()
                .on(Point.AFTER_READS, attempt -> {
                    if (attempt < parkAt) {
                        other.run(() -> bank.touch(0));
                    }
                })
                .on(Point.AFTER_ALL_WRITES, attempt -> {
                    if (attempt == parkAt) {
                        isParked.countDown();
                        never.await();
                    }
                });
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = kind.newThread("parked", () -> {
            try {
                bank.transfer(0, 1, 500, s);
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        t.start();
        assertThat(isParked.await(Stress.timeout().toSeconds(), TimeUnit.SECONDS)).as("parked in time").isTrue();
        assertThat(s.attempts()).isEqualTo(parkAt);
        return new Parked(t, s, thrown);
    }

    private long othersTransfer(Flavor flavor, FaultBank bank, Model model, Parked parked) throws Exception {
        return othersTransfer(flavor, bank, model, parked, Math.max(100, 4_000 * Stress.SCALE / Stress.THREADS));
    }

    /**
     * {@link Stress#THREADS} threads run {@code each} transfers over all accounts, the parked
     * thread's two included; then the model (their transfers only) and the full audit.
     */
    private long othersTransfer(Flavor flavor, FaultBank bank, Model model, Parked parked, int each) throws Exception {
        int threads = Stress.THREADS;
        long[][] delta = new long[threads][ACCOUNTS];
        Workers w = Workers.of(flavor.kind, "others");
        w.add(threads, i -> {
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            for (int n = 0; n < each && !w.failed(); n++) {
                int from = rnd.nextInt(ACCOUNTS);
                int to = (from + 1 + rnd.nextInt(ACCOUNTS - 1)) % ACCOUNTS;
                long amount = rnd.nextInt(5);
                bank.transfer(from, to, amount, Script.clean());
                delta[i][from] -= amount;
                delta[i][to] += amount;
                ThreadKind.beFair();
            }
        });
        w.run();
        for (long[] d : delta) {
            for (int a = 0; a < ACCOUNTS; a++) {
                model.balances[a] += d[a];
            }
        }
        model.journal += (long) threads * each;
        if (parked == null) {
            model.audit(bank, "other threads' transfers");
        } else {
            // its writes are buffered in its own transaction: the model, without them, must hold
            assertThat(parked.thread.isAlive()).as("the parked thread is still parked").isTrue();
            model.audit(bank, "other threads' transfers while a thread was parked mid-body", true);
        }
        return (long) threads * each;
    }
}
