package io.stm4j.it.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.stm4j.Stm;
import io.stm4j.StmException;
import io.stm4j.it.support.Flavor;
import io.stm4j.testkit.EngineQuiescence;
import io.stm4j.testkit.Stress;
import io.stm4j.testkit.ThreadKind;
import io.stm4j.testkit.Workers;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Faults under contention, for each API and thread kind: {@link Stress#THREADS} threads run
 * transfers over a few accounts, and about a third of the transfers get a fault — a throwable of
 * any {@link Kind} injected at any {@link Point} (the nested one sometimes caught by the outer
 * body), or a wait in {@code Stm.retry()} until the paying account is funded — while another
 * thread interrupts the workers again and again (preferring those blocked in retry) and an
 * auditor sums the accounts. Each worker keeps the model of what committed: a transfer that
 * returned, or whose injected throwable came from an {@code afterCommit} hook; an interrupted
 * call must end with {@link StmException} caused by {@link InterruptedException}, with the flag
 * set. Asserted: every audit saw the constant total; every balance and the journal equal the
 * model exactly; no cell locked and no engine lock held at the end.
 */
@ExtendWith(EngineQuiescence.class)
class FaultsUnderLoadTest {
    private static final int ACCOUNTS = 6;
    private static final long INITIAL = 100;
    private static final Kind[] QUICK_KINDS = {Kind.RUNTIME_EXCEPTION, Kind.CHECKED_EXCEPTION, Kind.ASSERTION_ERROR,
        Kind.OUT_OF_MEMORY_LIKE};

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.stm4j.it.support.Flavor#all")
    void everyInvariantHoldsUnderFaultsInterruptsAndContention(Flavor flavor) throws Exception {
        int threads = Stress.THREADS;
        int each = Math.max(500, 24_000 * Stress.SCALE / threads);
        FaultBank bank = FaultBank.create(flavor.api, ACCOUNTS, INITIAL);
        long total = ACCOUNTS * INITIAL;
        long[][] delta = new long[threads][ACCOUNTS];
        long[] journaled = new long[threads];
        AtomicLong injected = new AtomicLong();
        AtomicLong committed = new AtomicLong();
        AtomicLong interruptsSent = new AtomicLong();
        AtomicLong interruptedCalls = new AtomicLong();
        AtomicLong blockedInRetry = new AtomicLong();
        AtomicLong flagNotRestored = new AtomicLong();
        AtomicLong audits = new AtomicLong();
        AtomicLong wrongTotals = new AtomicLong();
        AtomicLong progress = new AtomicLong();
        AtomicInteger workersLeft = new AtomicInteger(threads);
        AtomicInteger started = new AtomicInteger();
        long t0 = System.nanoTime();
        Workers w = Workers.of(flavor.kind, "faults-under-load");
        w.add(threads, i -> {
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            started.incrementAndGet(); // past the start latch: interrupts may come from now on
            try {
                for (int n = 0; n < each && !w.failed(); n++) {
                    int from = rnd.nextInt(ACCOUNTS);
                    int to = (from + 1 + rnd.nextInt(ACCOUNTS - 1)) % ACCOUNTS;
                    long amount = 1 + rnd.nextInt(40);
                    Script s = script(rnd, bank, from, amount, blockedInRetry);
                    Throwable thrown = null;
                    try {
                        bank.transfer(from, to, amount, s);
                    } catch (Throwable e) {
                        thrown = e;
                    }
                    boolean flag = Thread.interrupted(); // and clear it for the next transfer
                    injected.addAndGet(s.injections());
                    boolean commit;
                    boolean journal;
                    if (thrown == null) {
                        commit = true;
                        journal = !s.catchNested;
                    } else if (thrown == s.injected() && s.injectedAt() == Point.IN_AFTER_COMMIT) {
                        commit = true; // an afterCommit hook failed: committed all the same
                        journal = !s.catchNested;
                    } else if (thrown == s.injected()) {
                        commit = false;
                        journal = false;
                    } else if (thrown instanceof StmException && thrown.getCause() instanceof InterruptedException) {
                        interruptedCalls.incrementAndGet();
                        if (!flag) {
                            flagNotRestored.incrementAndGet();
                        }
                        commit = false;
                        journal = false;
                    } else {
                        throw new AssertionError("unexpected outcome of a transfer", thrown);
                    }
                    if (commit) {
                        committed.incrementAndGet();
                        delta[i][from] -= amount;
                        delta[i][to] += amount;
                        if (journal) {
                            journaled[i]++;
                        }
                    }
                    progress.incrementAndGet();
                    ThreadKind.beFair();
                }
            } finally {
                workersLeft.decrementAndGet();
            }
        });
        w.add(1, a -> {
            long audited = -1;
            while (workersLeft.get() > 0 && !w.failed()) {
                if (progress.get() == audited) {
                    ThreadKind.pause(); // one audit per step of progress at most
                    continue;
                }
                audited = progress.get();
                long seen = 0;
                for (long b : Arrays.copyOf(bank.snapshot(), ACCOUNTS)) {
                    seen += b;
                }
                if (seen != total) {
                    wrongTotals.incrementAndGet();
                }
                audits.incrementAndGet();
                ThreadKind.beFair();
            }
        });
        w.add(1, x -> {
            List<Thread> victims = w.threads().subList(0, threads);
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            while (started.get() < threads && !w.failed()) {
                ThreadKind.pause();
            }
            // paced by the workers' progress, not by time: an interrupt to a random worker every
            // 20 transfers, and one to any worker blocked in Stm.retry() — but never twice to the
            // same worker before some transfer ends (every interrupted call ends one: no deadlock)
            long next = 20;
            long[] sentAt = new long[threads];
            java.util.Arrays.fill(sentAt, -1);
            while (workersLeft.get() > 0 && !w.failed()) {
                long now = progress.get();
                int target = -1;
                for (int v = 0; v < threads && target < 0; v++) {
                    if (sentAt[v] != now && victims.get(v).getState() == Thread.State.WAITING) {
                        target = v;
                    }
                }
                if (target < 0 && now >= next) {
                    target = rnd.nextInt(threads);
                    next = now + 20;
                }
                if (target < 0 || sentAt[target] == now) {
                    ThreadKind.pause();
                    continue;
                }
                sentAt[target] = now;
                victims.get(target).interrupt();
                interruptsSent.incrementAndGet();
            }
        });
        w.run();
        long ms = (System.nanoTime() - t0) / 1_000_000;

        assertThat(flagNotRestored.get()).as("interrupted calls that did not restore the flag").isZero();
        assertThat(wrongTotals.get()).as("audits, of %d, that saw a total other than %d", audits.get(), total).isZero();
        Model model = new Model(ACCOUNTS, INITIAL);
        for (int t = 0; t < threads; t++) {
            for (int a = 0; a < ACCOUNTS; a++) {
                model.balances[a] += delta[t][a];
            }
            model.journal += journaled[t];
        }
        model.audit(bank, "faults under load");
        assertThat(injected.get()).as("throwables injected").isPositive();
        assertThat(interruptsSent.get()).as("interrupts sent").isPositive();
        Stress.report("fault", "under-load", flavor, threads + 2, (long) threads * each + audits.get(),
                injected.get() + interruptsSent.get(), ms,
                "injected=" + injected.get() + " interruptsSent=" + interruptsSent.get() + " interruptedCalls="
                        + interruptedCalls.get() + " blockedInRetry=" + blockedInRetry.get() + " committed=" + committed.get()
                        + " audits=" + audits.get());
    }

    /** A clean script (2/3), a throwable at a random point, or a wait in Stm.retry() until funded. */
    private static Script script(ThreadLocalRandom rnd, FaultBank bank, int from, long amount, AtomicLong blocked) {
        int r = rnd.nextInt(30);
        if (r < 20) {
            return Script.clean();
        }
        if (r < 25) {
            // pay only from a well-funded account: wait in Stm.retry() until it is
            return Script.clean().on(Point.AFTER_READS, attempt -> {
                if (bank.balance(from) < INITIAL + amount) {
                    blocked.incrementAndGet();
                    Stm.retry();
                }
            });
        }
        Point p = Point.values()[rnd.nextInt(Point.values().length)];
        Kind k = rnd.nextInt(100) == 0 ? Kind.STACK_OVERFLOW : QUICK_KINDS[rnd.nextInt(QUICK_KINDS.length)];
        Script s = Script.throwing(p, k);
        return p == Point.IN_NESTED && rnd.nextBoolean() ? s.catchingNested() : s;
    }
}
