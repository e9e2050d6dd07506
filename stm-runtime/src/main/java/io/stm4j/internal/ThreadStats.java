package io.stm4j.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.WeakReference;

/**
 * One thread's counters for one store. Statistics code lives in this class and in
 * {@link StatsRecorder} only, so that model checkers can leave it out (it is not part of what
 * the stores guarantee). Only the owning thread writes them, with plain (opaque)
 * read-modify-writes — no atomic instruction on the commit path; {@link StatsRecorder} sums them.
 */
final class ThreadStats {
    static final int COMMITS = 0;
    static final int GIVEN_UP = 1;
    /** Aborts by {@link io.stm4j.StoreStats.Abort} ordinal start here. */
    static final int ABORTS = 2;
    /** Re-run buckets 1, 2, 3-4, ... 65+ start here (bucket 0 is derived). */
    static final int RETRIED = 6;
    static final int RETRY_BUCKETS = 8;
    static final int RETRY_NANOS = RETRIED + RETRY_BUCKETS;
    static final int SIZE = RETRY_NANOS + 1;

    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);

    final WeakReference<Thread> thread;
    /**
     * The counters, in the middle of a longer array: a cache line (8 longs) of padding on either side
     * keeps another thread's counters, which a collector may copy next to these, off their lines.
     */
    private final long[] c = new long[PAD + SIZE + PAD];
    private static final int PAD = 8;

    ThreadStats(Thread thread) {
        this.thread = new WeakReference<>(thread);
    }

    void add(int i, long delta) {
        SLOT.setOpaque(c, PAD + i, (long) SLOT.getOpaque(c, PAD + i) + delta);
    }

    long get(int i) {
        return (long) SLOT.getOpaque(c, PAD + i);
    }

    /** The bucket of a transaction that re-ran {@code retries} (&ge; 1) times: 1, 2, 3-4, 5-8, ... */
    static int bucket(int retries) {
        int b = 32 - Integer.numberOfLeadingZeros(retries - 1); // 1->0, 2->1, 3..4->2, 5..8->3, ...
        return RETRIED + Math.min(b, RETRY_BUCKETS - 1);
    }

    /** The clock of the time spent retrying. */
    static long now() {
        return System.nanoTime();
    }

    /**
     * A thread's counters for the few stores it used last, found by a linear scan (no hashing,
     * so that model checkers can replay it). A store pushed out of it keeps the counters: the
     * recorder finds them again for this thread when it comes back.
     */
    static final class Lookup {
        private static final int SIZE = 8;
        private final Thread thread;
        private final StatsRecorder[] stores = new StatsRecorder[SIZE];
        private final ThreadStats[] stats = new ThreadStats[SIZE];
        private int next;
        /** The pair used last: nearly every call (one per commit) asks for it again. */
        private StatsRecorder lastStore;
        private ThreadStats lastStats;

        Lookup(Thread thread) {
            this.thread = thread;
        }

        ThreadStats of(StatsRecorder r) {
            if (r == lastStore) {
                return lastStats;
            }
            ThreadStats s = null;
            for (int i = 0; i < SIZE && s == null; i++) {
                if (stores[i] == r) {
                    s = stats[i];
                }
            }
            if (s == null) {
                s = r.register(thread);
                stores[next] = r;
                stats[next] = s;
                next = (next + 1) % SIZE;
            }
            lastStore = r;
            lastStats = s;
            return s;
        }
    }
}
