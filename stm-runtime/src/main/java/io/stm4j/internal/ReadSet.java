package io.stm4j.internal;

import java.util.Arrays;

/**
 * A transaction's first layer: its snapshot and the cells it has read (ScalaSTM's
 * {@code AccessHistory} is the model of this chain: {@code ReadSet} → {@link WriteSet} →
 * {@link Scopes} → {@link Txn}, one object per thread, so no layer costs a dereference).
 *
 * <p>Read-write attempts record every cell they read, so that the commit (and an extension of
 * the snapshot) can check that none has changed since; read-only attempts record nothing.
 */
abstract class ReadSet extends TxnState {
    /** A read set grown beyond this is dropped at the end of its transaction, not kept for the next. */
    static final int MAX_RETAINED_READS = 4096;

    /**
     * The snapshot: reads see the versions committed at or before this clock value.
     *
     * <p>A read-only attempt takes the clock's value when it starts: it may read older versions,
     * and must see every commit that finished before it began. A read-write attempt does not read
     * the clock, a line that every commit of every thread writes: it starts from the latest time
     * this transaction already knows (its last snapshot or commit stamp), however old. That is
     * sound because such an attempt reads only heads. A head at or before {@code rv} is the newest
     * version of its cell (a commit of that cell under way with a later stamp has not finished: it
     * may be ordered after this attempt, and the commit's validation sees it if it lands first).
     * A head after {@code rv} makes the attempt extend its snapshot to the clock's value, which
     * validates every read so far ({@link Txn}'s {@code extend}). So each read sees every commit
     * that finished before the attempt began, the reads stay one snapshot, and the commit
     * validates them unless its stamp is {@code rv + 1} (no commit at all came in between). All
     * of this needs {@code rv} to be a time the clock has passed, which a time this thread learnt
     * is, unless the clock was rewound under it: see {@code Txn.forgetTime}.
     */
    long rv;
    /** Whether reads are recorded: read-write attempts, and a read-only one that will block. */
    boolean recordReads;
    /**
     * 0, or the history this read-only transaction found it needs: once a cell's history was too
     * short for its snapshot, every cell it reads from then on keeps at least this many older
     * versions ({@link Cell#keepAtLeast}), so that its next attempt, and the next such
     * transaction, find what they need (see {@link Cell}).
     */
    int historyWanted;
    Cell[] reads = new Cell[32];
    int nReads;
    /**
     * The ticket of the priority tenure this transaction holds ({@link ContentionManager}), 0 if it
     * holds none. While it is not 0 every cell is marked before it is read or written.
     */
    long ticket;
    /** The cell of the last conflict, and whether that was a lock held too long (busy). */
    Cell conflictCell;
    boolean conflictWasBusy;

    ReadSet() {
    }

    final void record(Cell c) {
        if (recordReads && (nReads == 0 || reads[nReads - 1] != c)) {
            if (nReads == reads.length) {
                reads = Arrays.copyOf(reads, nReads * 2);
            }
            reads[nReads++] = c;
        }
    }

    /**
     * Whether every cell read still has its version within the snapshot. A cell locked by
     * another commit fails the check, since that commit may publish a newer version — except
     * for the live privileged transaction, which waits for that commit to end and looks again: no
     * commit publishes a cell it has marked, so the lock is most likely one that will be released
     * unpublished. Only the live holder waits here, and only for commits that never wait while
     * they hold locks, so the wait is short even when it holds locks of its own (see
     * {@link ContentionManager}); it stops waiting as soon as it is no longer the live holder.
     */
    final boolean readsValid() {
        Cell[] r = reads;
        for (int i = 0, n = nReads; i < n; i++) {
            Cell c = r[i];
            Txn o = c.owner;
            if (o != null && o != this) {
                if (ticket == 0L || !waitForCommit(c)) {
                    return invalid(c);
                }
            }
            if (c.stamp() > rv) {
                return invalid(c);
            }
        }
        return true;
    }

    /** @return true once {@code c} is unlocked; false if this stopped being the live holder first */
    private boolean waitForCommit(Cell c) {
        Txn self = (Txn) this;
        for (int spins = 0; ; ) {
            Txn o = c.owner;
            if (o == null || o == self) {
                return true;
            }
            if (!ContentionManager.holds(self, ticket)) {
                return false;
            }
            spins = Backoff.await(spins);
        }
    }

    private boolean invalid(Cell c) {
        conflictCell = c;
        conflictWasBusy = false;
        return false;
    }

    /**
     * For {@link Blocking}: whether anything read has a newer version than the snapshot, or is
     * locked by a commit that may be about to publish one (see {@link Blocking#hasWaiters()}).
     */
    final boolean readSetChanged() {
        for (int i = 0; i < nReads; i++) {
            Cell c = reads[i];
            if (c.owner != null || c.stamp() > rv) {
                return true;
            }
        }
        return false;
    }

    /** Forgets the reads; a huge read set is not kept alive on the thread. */
    final void clearReads() {
        if (reads.length > MAX_RETAINED_READS) {
            reads = new Cell[32];
        } else if (nReads > 0) {
            Arrays.fill(reads, 0, nReads, null);
        }
        nReads = 0;
    }

    /** @return the first cell read in this attempt, or null */
    final Cell firstRead() {
        return nReads > 0 ? reads[0] : null;
    }
}
