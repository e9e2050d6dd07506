package io.stm4j.internal;

import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * What the transactional collections ({@code io.stm4j.internal.collections}) need of the engine:
 * cells of their own, read and written in the current transaction or, outside one, as the
 * latest committed value, and the few facts of the transaction that their structure depends on.
 *
 * <p>A collection keeps one cell per entry (or queue link), so transactions on different entries
 * do not conflict. Entries come and go, and so must their cells; the rule that keeps snapshots
 * right while they do is {@link #retireIfAbsent}'s.
 *
 * <p>Not API: public only for stm4j's own collections.
 */
public final class CellAccess {
    private CellAccess() {
    }

    /**
     * @param name what statistics and messages call the cell (one name per collection keeps the
     *     statistics bounded)
     * @param initial its value
     * @param since the clock value from which {@code initial} holds (0: always). A snapshot older
     *     than that cannot read the cell: a read-write transaction extends its snapshot first, a
     *     read-only one starts again
     * @return a new cell, counted in the default store's statistics
     */
    public static Cell newCell(Object name, Object initial, long since) {
        return new Cell(name, RuntimeProvider.defaultRecorder(), initial, 0L, since);
    }

    /** @return whether the current thread is inside a transaction */
    public static boolean inTransaction() {
        return Txn.current().active();
    }

    /**
     * @return whether the current thread is inside a transaction that records what it reads (so
     *     its commit validates them); false in a read-only one, which reads a snapshot from the
     *     cells' history instead, and outside any
     */
    public static boolean recordsReads() {
        Txn t = Txn.current();
        return t.active() && t.recordsReads();
    }

    /**
     * @return the current transaction's snapshot (a clock value); in a read-write transaction it
     *     may move forward (extension) when a read meets a newer version
     * @throws IllegalStateException outside a transaction
     */
    public static long snapshot() {
        return active().snapshotStamp();
    }

    /** @return the global clock's current value, for stamps of cells created outside a transaction */
    public static long now() {
        return GlobalClock.now();
    }

    /**
     * Reads {@code c}: in the current transaction (its snapshot plus its writes, recorded for its
     * commit), or outside any transaction the latest committed value.
     */
    public static Object get(Cell c) {
        Txn t = Txn.current();
        return t.active() ? t.readRef(c) : NonTxn.latestRef(c);
    }

    /** As {@link #get}, for a cell that holds a {@code long} (made by {@link #newLongCell}). */
    public static long getLong(Cell c) {
        Txn t = Txn.current();
        return t.active() ? t.readPrim(c) : NonTxn.latestPrim(c);
    }

    /** As {@link #set}, for a cell that holds a {@code long}. */
    public static void setLong(Cell c, long value) {
        active().writePrim(c, value);
    }

    /** @return a new cell holding the {@code long} 0 from always, counted as {@link #newCell}'s are */
    public static Cell newLongCell(Object name) {
        return new Cell(name, RuntimeProvider.defaultRecorder(), null, 0L, 0L);
    }

    /**
     * {@code Stm.retry()} from a collection: abandons this attempt until something read changes.
     *
     * @return never returns normally
     * @throws IllegalStateException outside a transaction
     */
    public static Error retry() {
        throw active().requestRetry();
    }

    /**
     * {@code Stm.retryFor} from a collection: returns once {@code timeoutNanos} have passed since the
     * transaction's first {@code retryFor}, else abandons this attempt as {@link #retry()} does.
     *
     * @throws IllegalStateException outside a transaction
     */
    public static void retryFor(long timeoutNanos) {
        active().retryFor(timeoutNanos);
    }

    /**
     * Reads {@code c} in the current transaction without recording the read: only for a check
     * that no later commit can make false (see {@link Txn#readRefUnrecorded}).
     *
     * @throws IllegalStateException outside a transaction
     */
    public static Object getUnrecorded(Cell c) {
        return active().readRefUnrecorded(c);
    }

    /** As {@link #getUnrecorded}, for a cell that holds a {@code long}. */
    public static long getLongUnrecorded(Cell c) {
        return active().readPrimUnrecorded(c);
    }

    /**
     * Writes {@code c} in the current transaction (published with its commit).
     *
     * @throws IllegalStateException outside a transaction, or inside a read-only one
     */
    public static void set(Cell c, Object value) {
        active().writeRef(c, value);
    }

    /**
     * Ends the current attempt as a conflict on {@code c} (it re-runs); for a structure that finds
     * its snapshot can no longer be read consistently.
     *
     * @return never returns normally; declared so that callers can {@code throw} it
     */
    public static Error conflict(Cell c) {
        throw active().conflict(c, false);
    }

    /**
     * Runs {@code body} in the current transaction, or as a transaction of its own (read-only if
     * {@code readOnly}) outside one.
     */
    public static <T> T atomic(Supplier<T> body, boolean readOnly) {
        Txn t = Txn.current();
        return t.active() ? body.get() : Transactions.atomic(body, -1, -1L, readOnly);
    }

    /**
     * Runs {@code body} as a scope of its own, nested in the current transaction or as a
     * transaction outside one: if it throws, its writes are undone even when the caller catches the
     * exception inside an enclosing transaction. For bulk operations that promise all or nothing.
     */
    public static <T> T allOrNothing(Supplier<T> body) {
        return Transactions.atomic(body, -1, -1L, false);
    }

    /**
     * Runs {@code r} after the current transaction commits, or now outside one.
     */
    public static void afterCommitOrNow(Runnable r) {
        Txn t = Txn.current();
        if (t.active()) {
            t.addCommitHook(r);
        } else {
            r.run();
        }
    }

    /**
     * Retires a cell whose entry is absent, so that its collection can forget it: if the latest
     * committed value of {@code c} is {@code absent} and nothing holds its lock, commits
     * {@code retired} over it (a one-cell transaction outside any other, that fails rather than
     * waits). Before committing, tells {@code absentSince} the clock value from which {@code c}
     * has held {@code absent}.
     *
     * <p>The rule that keeps snapshots right: a cell for the same entry made after this one is
     * retired must say that its initial (absent) value holds only from a clock value at least
     * {@code absentSince}'s ({@link #newCell}'s {@code since}): older snapshots saw this cell's
     * value then, which may not have been absent. A transaction that read {@code c} before it
     * was retired and writes it fails its commit (the version changed) and re-runs.
     *
     * @return whether {@code c} was retired
     * @throws IllegalStateException inside a transaction
     */
    public static boolean retireIfAbsent(Cell c, Object absent, Object retired, LongConsumer absentSince) {
        Txn t = Txn.current();
        if (t.active()) {
            throw new IllegalStateException("cells are retired outside transactions only");
        }
        Version v = NonTxn.latest(c, 0);
        if (v == null || v.ref != absent) {
            return false;
        }
        absentSince.accept(v.stamp);
        return NonTxn.commitOne(t, c, v.seq, retired) == Commit.COMMITTED;
    }

    /** What {@link #replaceIfPresent} returns when it did nothing. */
    public static final Object NOT_REPLACED = new Object();

    /**
     * Outside a transaction: if the latest value of {@code c} is neither {@code absent} nor
     * {@code retired}, replaces it with {@code v} as a one-cell transaction of its own (committed
     * only if nobody changed {@code c} after this read it) and returns the value it replaced.
     * Returns {@link #NOT_REPLACED}, having written nothing, when the value is absent or retired,
     * when a committer holds the cell, or when {@code c} changed in between: the caller then runs
     * the operation as a whole transaction.
     *
     * @throws IllegalStateException inside a transaction
     */
    public static Object replaceIfPresent(Cell c, Object v, Object absent, Object retired) {
        Txn t = Txn.current();
        if (t.active()) {
            throw new IllegalStateException("replaceIfPresent is for calls outside transactions");
        }
        Version cur = NonTxn.latest(c, 0);
        if (cur == null || cur.ref == absent || cur.ref == retired) {
            return NOT_REPLACED;
        }
        return NonTxn.commitOne(t, c, cur.seq, v) == Commit.COMMITTED
                ? cur.ref : NOT_REPLACED;
    }

    private static Txn active() {
        Txn t = Txn.current();
        if (!t.active()) {
            throw new IllegalStateException("not inside a transaction");
        }
        return t;
    }
}
