package io.stm4j.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Progress under unlimited retries: a transaction that has lost {@link #PRIORITY_AFTER} times in a
 * row takes the priority gate (one holder at a time) and, while it holds it, makes its reads and
 * writes <em>visible</em> (TinySTM's visible reads after a few aborts): before it reads or writes
 * a cell it marks the cell with the ticket of its attempt. A commit that has locked a marked cell does
 * not publish: it unlocks everything and waits, outside any lock, until the tenure ends or its
 * lease runs out, then starts its commit again. So nothing the privileged transaction has read
 * can change under it, whatever its body does between reads — compute, block, park or sleep —
 * and it wins within an attempt or two. Commits that touch no marked cell never wait for it.
 *
 * <h2>Why a marked read cannot go stale</h2>
 *
 * The privileged reader P does (1) store the mark on cell c, then (2) load c's lock word and head.
 * A committer C does (a) lock c (a CAS), then (b) load the gate and c's mark. All four are
 * volatile, so they are in one total order that respects each thread's program order (Dekker):
 * <ul>
 *   <li>if (1) comes before (b), C sees the mark and does not publish c;</li>
 *   <li>otherwise (b) comes before (1), so (a) does too, and P's load (2) sees c locked by C, or
 *       unlocked with C's new head already installed: P waits for C, or reads the newer head and
 *       extends its snapshot or aborts, exactly as without priority.</li>
 * </ul>
 * The gate is taken (a CAS) before the tenure's first mark, so a committer that sees no gate at
 * (b) also comes before (1). After the mark, no commit publishes c until the attempt ends, so a
 * validation of P's reads fails only for cells that were being committed when P marked them. P
 * waits for such a commit to finish instead of treating its lock as a conflict, and a privileged
 * read that finds a lock waits for it whatever its stamp (the committer has passed (b), so it
 * will publish: reading the older head would doom the attempt).
 *
 * <p>Only the live holder — its attempt's ticket on the gate, its lease running — ever waits
 * while it holds locks (in its commit's validation); every other commit, including that of a
 * holder whose lease ended or whose gate was taken over, never does. The holder waits only for
 * commits in their critical section, which do not wait, so no cycle of waits can form.
 *
 * <h2>Bounds</h2>
 *
 * A commit defers only while the holder's lease runs: a holder parked for good, killed, or whose
 * body waits for the very commit that defers to it, holds conflicting commits up for at most one
 * lease, then they go on (and P's next validation fails as usual). The lease is renewed by each
 * attempt of its holder; it is {@link #MIN_LEASE_NANOS}, or four times the holder's longest
 * privileged attempt so far when that is longer, up to {@link #MAX_LEASE_NANOS}. A transaction
 * that has lost often enough may take over a gate whose lease has ended. A commit on the holder's
 * own thread (a hook) and an interrupted thread's commit never defer.
 */
final class ContentionManager {
    static final int PRIORITY_AFTER = Integer.getInteger("stm4j.priorityAfter", 12);
    static final long MIN_LEASE_NANOS = 50_000_000L;
    static final long MAX_LEASE_NANOS = 1_000_000_000L;

    /**
     * One attempt of the holder at the gate, immutable: its ticket marks the cells the attempt
     * reads and writes (a cell read only by an earlier attempt of the holder is not waited for),
     * and its lease ends at {@link #leaseEnd}. Each attempt of the holder replaces the gate's
     * tenure with a new one by a CAS, so ticket and lease change together, and a holder whose gate
     * was taken over learns it from the failed CAS.
     */
    static final class Tenure {
        final Txn txn;
        final long ticket;
        /** When the lease ends, in {@link System#nanoTime()}. */
        final long leaseEnd;

        Tenure(Txn txn, long ticket, long leaseEnd) {
            this.txn = txn;
            this.ticket = ticket;
            this.leaseEnd = leaseEnd;
        }

        boolean leaseRuns() {
            return System.nanoTime() - leaseEnd < 0;
        }
    }

    private static volatile Tenure gate;
    private static final AtomicLong TICKETS = new AtomicLong();
    /** Waits of commits for a privileged attempt (for tests and diagnosis). */
    private static final LongAdder DEFERRED = new LongAdder();
    private static final VarHandle GATE;

    static {
        try {
            GATE = MethodHandles.lookup().findStaticVarHandle(ContentionManager.class, "gate", Tenure.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private ContentionManager() {
    }

    /**
     * Takes or renews the gate for the next attempt of {@code t}; takes it over from a holder
     * whose lease has ended.
     *
     * @param longestAttemptNanos the longest privileged attempt of {@code t} so far, 0 if none
     * @return the ticket of {@code t}'s next attempt, or 0 if another transaction holds the gate
     */
    static long tryPrioritize(Txn t, long longestAttemptNanos) {
        return tryPrioritizeFor(t, lease(longestAttemptNanos));
    }

    /** As {@link #tryPrioritize}, with the lease given (tests need leases longer than the longest). */
    static long tryPrioritizeFor(Txn t, long leaseNanos) {
        Tenure g = gate;
        if (g != null && g.txn != t && g.leaseRuns()) {
            return 0L;
        }
        Tenure mine = new Tenure(t, TICKETS.incrementAndGet(), System.nanoTime() + leaseNanos);
        return GATE.compareAndSet(g, mine) ? mine.ticket : 0L;
    }

    /** @return the lease for a holder whose longest privileged attempt took {@code longestAttemptNanos} */
    static long lease(long longestAttemptNanos) {
        return Math.max(MIN_LEASE_NANOS, Math.min(MAX_LEASE_NANOS, 4 * longestAttemptNanos));
    }

    /** Ends {@code t}'s tenure (not one that another transaction took over meanwhile). */
    static void release(Txn t) {
        Tenure g = gate;
        if (g != null && g.txn == t) {
            GATE.compareAndSet(g, (Tenure) null);
        }
    }

    /**
     * @return whether the attempt {@code ticket} of {@code t} holds the gate and its lease runs:
     *     only then may it wait for a commit while it holds locks of its own ({@link ReadSet#readsValid})
     */
    static boolean holds(Txn t, long ticket) {
        Tenure g = gate;
        return g != null && g.txn == t && g.ticket == ticket && g.leaseRuns();
    }

    /**
     * Marks {@code c} as read or written by the privileged transaction whose ticket this is,
     * before that transaction loads anything from it (step 1 of the argument above).
     */
    static void mark(Cell c, long ticket) {
        if (c.mark != ticket) {
            c.mark = ticket;
        }
    }

    /**
     * Step (b) of the argument above, for a commit by {@code t} that has locked {@code cells[0..n)}.
     *
     * @return the ticket of the tenure the commit must wait for before it publishes, or 0
     */
    static long mustDefer(Txn t, Cell[] cells, int n) {
        Tenure g = gate;
        if (g == null || g.txn == t) {
            return 0L;
        }
        long ticket = g.ticket;
        for (int i = 0; i < n; i++) {
            if (cells[i].mark == ticket) {
                return defers(g) ? ticket : 0L;
            }
        }
        return 0L;
    }

    private static boolean defers(Tenure g) {
        return g.leaseRuns() && g.txn.thread != Thread.currentThread() && !Thread.currentThread().isInterrupted();
    }

    /**
     * Waits, holding no lock, until the attempt {@code ticket} ends or its lease runs out (or this
     * thread is interrupted: its commit then goes on and the flag stays set).
     */
    static void awaitTenureEnd(long ticket) {
        DEFERRED.increment();
        int steps = 0;
        while (true) {
            Tenure g = gate;
            if (g == null || g.ticket != ticket || !defers(g)) {
                return;
            }
            steps = Backoff.awaitLong(steps);
        }
    }

    /** @return the current tenure, or null (for tests) */
    static Tenure tenure() {
        return gate;
    }

    /** @return the transaction holding the priority gate, or null (for audits) */
    static Txn holder() {
        Tenure g = gate;
        return g == null ? null : g.txn;
    }

    /**
     * @return how many times since the JVM started a commit has waited for a privileged attempt
     *     (a commit that waits for two attempts of the same holder counts twice)
     */
    static long deferredCommits() {
        return DEFERRED.sum();
    }
}
