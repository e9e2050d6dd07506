package io.stm4j.it.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.stm4j.StmException;
import io.stm4j.it.support.Api;
import io.stm4j.testkit.EngineQuiescence;
import io.stm4j.testkit.OtherThread;
import io.stm4j.testkit.Stress;
import io.stm4j.testkit.ThreadKind;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Interruption is honoured where a transaction waits: while it backs off after conflicts, while it
 * re-runs with priority, and while it is blocked in {@code Stm.retry()} (in the outer transaction
 * or in a nested one). Asserted for
 * each API: the call ends with an {@link StmException} caused by an {@link InterruptedException}
 * and saying where it waited; the thread's interrupt flag is set again when the call ends; the
 * transaction left no trace (the full audit: balances and journal as the model says, no cell
 * locked, no engine lock held, the thread in no transaction); and once the flag is cleared the same
 * thread commits a transfer.
 */
@ExtendWith(EngineQuiescence.class)
class InterruptionTest {
    private static final int ACCOUNTS = 4;
    private static final long INITIAL = 100;
    private final OtherThread other = new OtherThread();

    @AfterEach
    void close() {
        other.close();
    }

    /**
     * The body conflicts in every attempt (another thread bumps a balance it read); in its third
     * attempt another thread interrupts it. The interrupt must end the call at the next backoff.
     */
    @ParameterizedTest
    @EnumSource(Api.class)
    void anInterruptEndsATransactionBackingOffFromConflicts(Api api) throws Throwable {
        FaultBank bank = FaultBank.create(api, ACCOUNTS, INITIAL);
        Model model = new Model(ACCOUNTS, INITIAL);
        long t0 = System.nanoTime();
        OtherThread.runFresh("backing-off-" + api, () -> {
            Thread self = Thread.currentThread();
            Script s = Script.clean().on(Point.AFTER_READS, attempt -> {
                if (attempt == 3) {
                    other.run(self::interrupt); // the interrupt comes from another thread
                }
                if (attempt < 1_000) {
                    other.run(() -> bank.touch(0)); // and every attempt conflicts
                }
            });
            StmException e = expectInterrupted(() -> bank.transfer(0, 1, 10, s));
            assertThat(e).hasMessageContaining("backing off");
            assertThat(s.attempts()).as("attempts before the interrupt was honoured").isBetween(3, 999);
            assertThat(s.log()).doesNotContain("commit-1");
            afterInterrupt(bank, model, "an interrupt while backing off");
        });
        Stress.report("fault", "interrupt-backoff", "api=" + api + " kind=platform", 2, 2, 1,
                (System.nanoTime() - t0) / 1_000_000, "");
    }

    /**
     * As above, but the interrupt comes in the 20th attempt, after the transaction has taken
     * priority (it takes it after {@code stm4j.priorityAfter} = 12 failed attempts) and no longer
     * backs off. The interrupt must still end the call while conflicts go on. (Before commit
     * d56dada it was ignored: the transaction re-ran until the conflicts stopped, attempt 300
     * here, and committed with the flag set.)
     */
    @ParameterizedTest
    @EnumSource(Api.class)
    void anInterruptEndsATransactionThatHasTakenPriority(Api api) throws Throwable {
        FaultBank bank = FaultBank.create(api, ACCOUNTS, INITIAL);
        Model model = new Model(ACCOUNTS, INITIAL);
        OtherThread.runFresh("privileged-" + api, () -> {
            Thread self = Thread.currentThread();
            Script s = Script.clean().on(Point.AFTER_READS, attempt -> {
                if (attempt == 20) {
                    other.run(self::interrupt);
                }
                if (attempt < 300) {
                    other.run(() -> bank.touch(0));
                }
            });
            StmException e = expectInterrupted(() -> bank.transfer(0, 1, 10, s));
            assertThat(e).hasMessageContaining("interrupted");
            assertThat(s.attempts()).as("attempts before the interrupt was honoured").isBetween(20, 299);
            afterInterrupt(bank, model, "an interrupt of a transaction with priority");
        });
        Stress.report("fault", "interrupt-priority", "api=" + api + " kind=platform", 2, 2, 1, 0, "");
    }

    /** A transaction blocked in Stm.retry(), in its own body or in a nested transaction, is interrupted. */
    @ParameterizedTest
    @EnumSource(Api.class)
    void anInterruptEndsATransactionBlockedInRetry(Api api) throws Throwable {
        long t0 = System.nanoTime();
        for (Point where : new Point[] {Point.AFTER_SOME_WRITES, Point.IN_NESTED}) {
            FaultBank bank = FaultBank.create(api, ACCOUNTS, INITIAL);
            Model model = new Model(ACCOUNTS, INITIAL);
            CountDownLatch retrying = new CountDownLatch(1);
            AtomicReference<Thread> victim = new AtomicReference<>();
            AtomicBoolean interrupted = new AtomicBoolean();
            Thread interrupter = new Thread(() -> {
                try {
                    if (retrying.await(60, TimeUnit.SECONDS)) {
                        awaitParked(victim.get());
                        interrupted.set(true);
                        victim.get().interrupt();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "interrupter");
            interrupter.setDaemon(true);
            interrupter.start();
            OtherThread.runFresh("blocked-in-retry-" + api, () -> {
                victim.set(Thread.currentThread());
                Script s = Script.clean().on(where, attempt -> {
                    retrying.countDown();
                    io.stm4j.Stm.retry(); // waits for a change to what it read: none comes
                });
                StmException e = expectInterrupted(() -> bank.transfer(0, 1, 10, s));
                assertThat(e).hasMessageContaining("Stm.retry()");
                assertThat(s.attempts()).isEqualTo(1);
                afterInterrupt(bank, model, "an interrupt while blocked in Stm.retry() at " + where);
            });
            interrupter.join(10_000);
            assertThat(interrupted.get()).isTrue();
        }
        Stress.report("fault", "interrupt-retry", "api=" + api + " kind=platform", 2, 4, 2,
                (System.nanoTime() - t0) / 1_000_000, "");
    }

    /** The call must end with StmException caused by InterruptedException, and the flag must be set. */
    private static StmException expectInterrupted(OtherThread.Body call) {
        Throwable thrown = null;
        try {
            call.run();
        } catch (Throwable e) {
            thrown = e;
        }
        boolean flag = Thread.interrupted(); // reads and clears
        assertThat(thrown).as("what the interrupted call threw").isInstanceOf(StmException.class)
                .hasCauseInstanceOf(InterruptedException.class);
        assertThat(flag).as("interrupt flag restored when the call ended").isTrue();
        return (StmException) thrown;
    }

    /** The full audit, then a clean transfer on the same thread. */
    private static void afterInterrupt(FaultBank bank, Model model, String what) throws Exception {
        model.audit(bank, what);
        Script clean = Script.clean();
        bank.transfer(2, 3, 5, clean);
        model.transfer(2, 3, 5, true);
        assertThat(clean.log()).containsExactly("commit-1", "commit-2");
        model.audit(bank, "a transfer after " + what);
    }

    /** Waits until {@code t} is parked without a timeout, as a transaction blocked in Stm.retry() is. */
    static void awaitParked(Thread t) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (t.getState() != Thread.State.WAITING) {
            if (!t.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError(t + " never parked: " + t.getState());
            }
            ThreadKind.pause();
        }
    }
}
