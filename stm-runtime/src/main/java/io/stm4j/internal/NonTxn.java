package io.stm4j.internal;

import io.stm4j.StoreStats.Abort;

/**
 * Operations outside any transaction: reading the latest committed version (or the version at a
 * snapshot), a seed-style commit of a few cells that fails instead of waiting, and a plain write
 * that commits one cell. Each commit goes through {@link Commit} with the calling thread's
 * transaction object as the committer's identity (it is not active).
 */
final class NonTxn {
    private NonTxn() {
    }

    /**
     * The latest committed value of a reference cell, read outside any transaction: the head,
     * unless a commit holds the cell (then {@link #latest}). Allocates nothing.
     */
    static Object latestRef(Cell c) {
        if (c.owner == null) {
            long m = c.meta;
            Object r = c.ref;
            if (c.steady(m)) {
                return r;
            }
        }
        return latest(c, -1).ref;
    }

    /** As {@link #latestRef}, for a primitive cell: its bits. */
    static long latestPrim(Cell c) {
        if (c.owner == null) {
            long m = c.meta;
            long p = c.prim;
            if (c.steady(m)) {
                return p;
            }
        }
        return latest(c, -1).prim;
    }

    /**
     * The latest committed version of {@code c}, read outside any transaction, as a copy.
     *
     * @param spinBudget how long to wait for a committer publishing this cell; -1 for as long as
     *     it takes (it never holds the lock for long)
     * @return the version, or null if the budget ran out (never with an unlimited budget)
     */
    static Version latest(Cell c, int spinBudget) {
        while (true) {
            if (c.owner == null) {
                return c.head();
            }
            Version v = at(c, GlobalClock.now(), spinBudget, false);
            if (v != null || spinBudget >= 0) {
                return v;
            }
            // Newer commits trimmed the history past the clock value read: read again.
        }
    }

    /**
     * The latest version of {@code c} at snapshot {@code rv}, outside any transaction.
     *
     * @param snapshotReader whether the caller reads several cells at {@code rv} (a store's
     *     snapshot), and so needs the cell's history: then a history too short makes the cell keep
     *     more ({@link Cell#wantHistory}). A single read that merely raced a commit does not.
     * @return the version, or null if the budget ran out or the history no longer reaches back
     *     to {@code rv}
     */
    static Version at(Cell c, long rv, int spinBudget, boolean snapshotReader) {
        int spins = 0;
        while (true) {
            Txn o = c.owner;
            if (o != null) {
                long w = o.wv;
                if (w == 0L || w <= rv) {
                    if (spinBudget >= 0 && spins >= spinBudget) {
                        return null;
                    }
                    spins = Backoff.await(spins);
                    continue;
                }
            }
            Version h = c.head();
            return h.stamp <= rv ? h : older(c, h, rv, snapshotReader);
        }
    }

    /** {@link #at}'s walk into the history, out of its line (which every plain read that meets a lock inlines). */
    private static Version older(Cell c, Version h, long rv, boolean snapshotReader) {
        Version v = Cell.before(h.prev, rv);
        if (snapshotReader) {
            if (v != null) {
                c.usedHistory();
            } else {
                c.wantHistory();
            }
        }
        return v;
    }

    /**
     * Commits {@code cells} as a transaction of their own, without waiting for locks: checks that
     * each still has the version {@code expectedSeq} says and publishes the ones {@code write}
     * marks (all of them when it is null).
     *
     * @return {@link Commit#COMMITTED}, {@link Commit#BUSY} (nothing written), or
     *     {@link Commit#STALE} + the index of the first stale cell
     */
    static int commit(Txn t, Cell[] cells, long[] expectedSeq, boolean[] write, Object[] refs) {
        int r = Commit.run(t, cells, cells.length, refs, null, expectedSeq, write, false);
        if (r == Commit.COMMITTED) {
            t.log.countCommit(cells[0].stats());
        } else {
            t.log.countConflict(r == Commit.BUSY ? Abort.BUSY : Abort.CONFLICT, t.conflictCell);
        }
        return r;
    }

    /**
     * {@link #commit} of one cell: {@code ref} becomes its value if it still has version {@code seq}.
     *
     * @return as {@link #commit}
     */
    static int commitOne(Txn t, Cell c, long seq, Object ref) {
        return commit(t, new Cell[] {c}, new long[] {seq}, null, new Object[] {ref});
    }

    /** A plain write outside any transaction: a one-cell transaction that waits its turn. */
    static void write(Txn t, Cell c, Object ref, long prim) {
        Cell[] one = t.oneCell;
        one[0] = c;
        t.oneRef[0] = ref;
        t.onePrim[0] = prim;
        try {
            for (int failures = 0; Commit.run(t, one, 1, t.oneRef, t.onePrim, null, null, false) != Commit.COMMITTED; ) {
                Backoff.pause(Math.min(++failures, 6));
            }
        } finally {
            one[0] = null;
            t.oneRef[0] = null;
        }
        t.log.countCommit(c.stats());
    }
}
