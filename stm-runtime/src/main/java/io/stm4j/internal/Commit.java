package io.stm4j.internal;

import java.util.function.BooleanSupplier;

/**
 * The commit protocol, written once for the three kinds of commit: a transaction's write set
 * ({@link Txn}), a seed-style {@code commit}/{@code setValues} outside a transaction and a plain
 * field write outside one ({@link NonTxn}).
 *
 * <ol>
 *   <li>Say that no stamp is taken yet ({@link Txn#wv} = 0: readers that find a lock wait).</li>
 *   <li>Try-lock every cell. A cell locked by another commit makes this one {@link #BUSY}: it
 *       releases what it holds and the caller backs off. No commit waits while it holds a lock
 *       — but the privileged one in step 6, for commits that do not ({@link ContentionManager}) —
 *       so no cycle of waits can form.</li>
 *   <li>If a privileged transaction marked one of the cells, release everything, wait for its
 *       tenure to end (outside any lock) and start again ({@link ContentionManager}).</li>
 *   <li>Check the versions the caller expects ({@code setValues}), if any: else {@link #STALE} + i.</li>
 *   <li>Tick the clock: this commit's stamp, published to readers that find its locks.</li>
 *   <li>Validate the read set, unless the snapshot is the clock value just before the stamp
 *       (nothing else committed in between): else {@link #CONFLICT}.</li>
 *   <li>If a {@link Participant} takes part, let it commit (with everything still locked): if it
 *       refuses, {@link #CONFLICT}.</li>
 *   <li>Note whether any transaction waits in {@code Stm.retry()} ({@link Blocking#hasWaiters()}:
 *       after the lock and the tick, both full fences).</li>
 *   <li>Install the new heads, unlock, and wake the waiters if there are any.</li>
 * </ol>
 */
final class Commit {
    static final int COMMITTED = 0;
    static final int CONFLICT = 1;
    static final int BUSY = 2;
    /** {@code STALE + i}: the i-th cell no longer had the expected version. */
    static final int STALE = 3;

    private Commit() {
    }

    /** {@link #run(Txn, Cell[], int, Object[], long[], long[], boolean[], boolean, BooleanSupplier)} with no participant. */
    static int run(Txn t, Cell[] cells, int n, Object[] refs, long[] prims, long[] expectedSeq, boolean[] write,
            boolean validateReads) {
        return run(t, cells, n, refs, prims, expectedSeq, write, validateReads, null);
    }

    /**
     * Runs the protocol for {@code cells[0..n)} on behalf of {@code t}. On {@code BUSY},
     * {@code CONFLICT} and {@code STALE}, {@code t.conflictCell} says which cell.
     *
     * @param refs the new reference values
     * @param prims the new primitive bits, or null for all 0
     * @param expectedSeq the version ({@link Version#seq}) each cell must still have, or null
     * @param write which cells to publish (null: all); the others are only locked and checked
     * @param validateReads whether {@code t}'s read set must still be valid
     * @param decide null, or the {@link Participant}s' commit, called with every cell locked and
     *     the reads validated, just before anything is published: false makes it a {@link #CONFLICT}
     * @return {@link #COMMITTED}, {@link #BUSY}, {@link #CONFLICT} or {@code STALE + i}
     */
    static int run(Txn t, Cell[] cells, int n, Object[] refs, long[] prims, long[] expectedSeq, boolean[] write,
            boolean validateReads, BooleanSupplier decide) {
        while (true) {
            t.noStamp();
            int locked = 0;
            long deferTo = 0L;
            boolean wake = false;
            try {
                for (; locked < n; locked++) {
                    if (!cells[locked].tryLock(t)) {
                        return refused(t, cells[locked], true, BUSY);
                    }
                }
                deferTo = ContentionManager.mustDefer(t, cells, n);
                if (deferTo == 0L) {
                    if (expectedSeq != null) {
                        for (int i = 0; i < n; i++) {
                            if (cells[i].seq != expectedSeq[i]) {
                                return refused(t, cells[i], false, STALE + i);
                            }
                        }
                    }
                    long w = t.stamp();
                    if (validateReads && w != t.rv + 1 && !t.readsValid()) {
                        return CONFLICT;
                    }
                    if (decide != null && !decide.getAsBoolean()) {
                        return CONFLICT;
                    }
                    wake = Blocking.hasWaiters();
                    for (int i = 0; i < n; i++) {
                        if (write == null || write[i]) {
                            cells[i].install(refs[i], prims == null ? 0L : prims[i], w);
                        }
                    }
                }
            } finally {
                for (int i = 0; i < locked; i++) {
                    cells[i].unlock();
                }
            }
            if (deferTo == 0L) {
                if (wake) {
                    Blocking.wake();
                }
                return COMMITTED;
            }
            ContentionManager.awaitTenureEnd(deferTo);
        }
    }

    private static int refused(Txn t, Cell on, boolean busy, int outcome) {
        t.conflictCell = on;
        t.conflictWasBusy = busy;
        return outcome;
    }
}
