package io.stm4j.internal;

import java.util.function.Supplier;

/**
 * A resource outside the engine's cells that takes part in a transaction: a store kept by another
 * system (stm-etcd's {@code EtcdStore}), whose reads and staged writes live in the participant and
 * whose commit the outermost transaction's commit decides.
 *
 * <p>The commit of a transaction with a participant that {@link #mustCommit must commit} is
 * two-phase, the participant deciding for everything: the engine locks every cell the attempt
 * read or wrote, validates its reads, calls {@link #commit()} with those locks held, and
 * publishes its own writes only if that returns true. A participant that returns false (its own
 * validation failed) makes the body re-run like any conflict; one that throws ends the
 * transaction with that exception and nothing in memory published. Holding the read locks too is
 * what makes a transaction that reads memory and writes the other system serializable: nothing
 * it read can change between the engine's validation and the participant's commit.
 *
 * <p>One participant per {@linkplain #join key} and transaction. It lives from its first
 * {@link #join} until the transaction ends ({@link #ended()}), across attempts: each new attempt
 * calls {@link #beginAttempt()}, so that it can keep what the failed attempt learnt (values the
 * other system sent back with its refusal). A nested scope that is undone (an exception escaping
 * it, or an {@code orElse} alternative that retried) runs the participant's
 * {@linkplain #onScopeUndo undo actions} registered in it.
 *
 * <p>Every method is called on the transaction's own thread, but {@link #watch}'s callback, which
 * may come from any thread.
 *
 * <p>Not API: public only for stm4j's own modules.
 */
public abstract class Participant {

    protected Participant() {
    }

    // ------------------------------------------------------------------ for the participant's store

    /**
     * The participant of the current transaction under {@code key}, created by {@code create} at
     * the first call of the transaction.
     *
     * <p>A read-only transaction records no reads in memory; the first participant to join one
     * makes it start again recording them (once, without counting an attempt), so that the
     * commit can validate them together with the participant's: its reads of memory and of the
     * other system are then one serializable snapshot too.
     *
     * @return the participant, or null outside a transaction
     */
    public static <P extends Participant> P join(Object key, Supplier<P> create) {
        Txn t = Txn.current();
        if (!t.active()) {
            return null;
        }
        return t.participant(key, create);
    }

    /** @return the participants of the current transaction so far (empty outside one); for checks across them */
    public static Participant[] ofCurrentTransaction() {
        Txn t = Txn.current();
        return t.active() ? t.participants() : new Participant[0];
    }

    /**
     * Ends the current attempt as a conflict: the body re-runs after a backoff, within the
     * transaction's limits ({@code maxRetries}, {@code timeoutMillis}), whose exceptions carry
     * {@code cause}. The caller throws what this returns.
     *
     * @param cause why, for {@code MaxRetriesExceeded} and {@code RetryTimeoutExceeded}
     * @return the engine's signal, to be thrown
     * @throws IllegalStateException outside a transaction
     */
    public static Error conflict(Throwable cause) {
        Txn t = Txn.current();
        if (!t.active()) {
            throw new IllegalStateException("no transaction to re-run", cause);
        }
        return t.externalConflict(cause);
    }

    /**
     * Registers an action that undoes a change to the participant's state if the innermost open
     * nested scope is undone. Nothing at the outermost level (the attempt as a whole is undone by
     * {@link #beginAttempt()} or {@link #ended()}).
     */
    public static void onScopeUndo(Runnable undo) {
        Txn t = Txn.current();
        if (t.active() && t.depth > 1) {
            t.pushExternalUndo(undo);
        }
    }

    /** @return whether the current transaction rejects writes (a read-only transaction or scope) */
    public static boolean readOnly() {
        Txn t = Txn.current();
        return t.active() && t.isReadOnly();
    }

    // ------------------------------------------------------------------ called by the engine

    /** A new attempt of the transaction begins: forget this attempt's reads and writes. */
    protected abstract void beginAttempt();

    /** @return whether this attempt read anything through the participant */
    protected abstract boolean hasReads();

    /** @return whether this attempt staged writes in the participant */
    protected abstract boolean hasWrites();

    /**
     * Commits the attempt's reads and writes, with every cell the attempt read or wrote in
     * memory locked and validated.
     *
     * @param alsoMemory whether the transaction reads or writes memory too: then even a
     *     participant that only read must check that its reads still hold
     * @return true if committed; false if the participant's reads no longer hold (the body
     *     re-runs: {@link #conflictCause()} says why)
     */
    protected abstract boolean commit(boolean alsoMemory);

    /** @return why the last {@link #commit} returned false */
    protected abstract Throwable conflictCause();

    /**
     * {@code Stm.retry()}: starts watching what the attempt read; once any of it has changed,
     * calls {@code changed} (from any thread, at least once). The engine calls {@link #unwatch()}
     * when its wait ends, whatever ended it.
     */
    protected abstract void watch(Runnable changed);

    /** Stops what {@link #watch} started. */
    protected abstract void unwatch();

    /** The transaction is over (committed, given up, failed): release whatever the participant holds. */
    protected abstract void ended();

    /** Whether the outermost commit must call {@link #commit}: see {@link #commit}. */
    final boolean mustCommit(boolean memoryTouched) {
        return hasWrites() || (hasReads() && memoryTouched);
    }
}
