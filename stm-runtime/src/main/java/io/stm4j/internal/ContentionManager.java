package io.stm4j.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.LongAdder;

/**
 * Guarantees progress under unlimited retries: a transaction that has lost
 * {@link #PRIORITY_AFTER} times in a row takes the priority gate, and while it holds the gate
 * other commits defer to it (commits already running finish, since they never wait). The
 * privileged transaction therefore wins within a few attempts, so a long transaction is never
 * starved by a stream of short ones. One transaction holds the gate at a time; the others keep
 * retrying normally and take it in turn.
 *
 * <p>Others defer only while the holder runs. A holder whose thread is blocked, waiting or
 * parked (its body waits for another thread's transaction, or is stopped for good) is not waited
 * for at all: it cannot deadlock with the commits it would hold back, and does not slow them. A
 * holder that runs is waited for until its lease ends, then others commit freely, and a
 * transaction that has lost often enough may take the gate over. The lease is renewed by each
 * attempt of its holder; it is {@link #MIN_LEASE_NANOS}, or four times the holder's longest
 * privileged attempt so far when that is longer, up to {@link #MAX_LEASE_NANOS}, so a body that is
 * simply long gets a lease long enough to finish.
 */
final class ContentionManager {
    static final int PRIORITY_AFTER = Integer.getInteger("stm4j.priorityAfter", 12);
    static final long MIN_LEASE_NANOS = 50_000_000L;
    static final long MAX_LEASE_NANOS = 1_000_000_000L;

    private static volatile Txn gate;
    /** When the holder's lease ends, in {@link System#nanoTime()}. */
    private static volatile long leaseEnd;
    /** Commits that waited for a privileged transaction (for tests and diagnosis). */
    private static final LongAdder DEFERRED = new LongAdder();
    private static final VarHandle GATE;

    static {
        try {
            GATE = MethodHandles.lookup().findStaticVarHandle(ContentionManager.class, "gate", Txn.class);
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
     * @return whether {@code t} holds the gate
     */
    static boolean tryPrioritize(Txn t, long longestAttemptNanos) {
        Txn g = gate;
        long now = System.nanoTime();
        if (g != t && !(g == null ? GATE.compareAndSet((Txn) null, t)
                : now - leaseEnd > 0 && GATE.compareAndSet(g, t))) {
            return false;
        }
        leaseEnd = now + lease(longestAttemptNanos);
        return true;
    }

    /** @return the lease for a holder whose longest privileged attempt took {@code longestAttemptNanos} */
    static long lease(long longestAttemptNanos) {
        return Math.max(MIN_LEASE_NANOS, Math.min(MAX_LEASE_NANOS, 4 * longestAttemptNanos));
    }

    static void release(Txn t) {
        GATE.compareAndSet(t, (Txn) null); // not a holder that took an expired gate over meanwhile
    }

    /** @return whether a commit by {@code t} may start now */
    static boolean mayCommit(Txn t) {
        Txn g = gate;
        return g == null || g == t;
    }

    /**
     * Defers a commit by {@code t} to the privileged transaction until that commits, its lease ends
     * or its thread stops running. An interrupted thread does not defer (its commit goes on; the
     * flag stays set).
     */
    static void awaitCommitTurn(Txn t) {
        if (!mustDefer(t)) {
            return;
        }
        DEFERRED.increment();
        int steps = 0;
        do {
            steps = Backoff.await(steps);
        } while (mustDefer(t));
    }

    private static boolean mustDefer(Txn t) {
        Txn g = gate;
        return g != null && g != t && System.nanoTime() - leaseEnd < 0 && runsElsewhere(g.thread)
                && !Thread.currentThread().isInterrupted();
    }

    /**
     * @return whether {@code holder} is another thread that can make progress (not blocked, waiting,
     *     parked or ended). A hook of the privileged transaction that commits on its own thread
     *     must not wait for it.
     */
    private static boolean runsElsewhere(Thread holder) {
        return holder != Thread.currentThread() && holder.getState() == Thread.State.RUNNABLE;
    }

    /** @return the transaction holding the priority gate, or null (for audits) */
    static Txn holder() {
        return gate;
    }

    /** @return how many commits have waited for a privileged transaction since the JVM started */
    static long deferredCommits() {
        return DEFERRED.sum();
    }
}
