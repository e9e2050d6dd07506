package io.stm4j.internal;

/**
 * Guarantees progress under unlimited retries: a transaction that has lost
 * {@link #PRIORITY_AFTER} times in a row takes the priority gate, and while it holds the gate
 * other commits defer to it (commits already running finish, since they never wait). The
 * privileged transaction therefore wins within a few attempts, so a long transaction is never
 * starved by a stream of short ones. One transaction holds the gate at a time; the others keep
 * retrying normally and take it in turn.
 *
 * <p>A commit defers for at most {@link #MAX_DEFER_NANOS} and then proceeds: a privileged body
 * that waits for another thread's transaction (a future, a latch) must not deadlock with it.
 */
final class ContentionManager {
    static final int PRIORITY_AFTER = Integer.getInteger("stm4j.priorityAfter", 12);
    static final long MAX_DEFER_NANOS = 50_000_000L;

    private static volatile Txn gate;
    private static final java.lang.invoke.VarHandle GATE;

    static {
        try {
            GATE = java.lang.invoke.MethodHandles.lookup()
                    .findStaticVarHandle(ContentionManager.class, "gate", Txn.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private ContentionManager() {
    }

    static boolean tryPrioritize(Txn t) {
        return gate == t || GATE.compareAndSet((Txn) null, t);
    }

    static void release(Txn t) {
        if (gate == t) {
            gate = null;
        }
    }

    /** @return whether a commit by {@code t} may start now */
    static boolean mayCommit(Txn t) {
        Txn g = gate;
        return g == null || g == t;
    }

    /** Defers a commit by {@code t} to the privileged transaction, for {@link #MAX_DEFER_NANOS} at most. */
    static void awaitCommitTurn(Txn t) {
        if (mayCommit(t)) {
            return;
        }
        long deadline = System.nanoTime() + MAX_DEFER_NANOS;
        int spins = 0;
        while (!mayCommit(t) && System.nanoTime() - deadline < 0) {
            spins = Backoff.spinOrYield(spins);
        }
    }
}
