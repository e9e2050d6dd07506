package io.stm4j.internal;

import io.stm4j.StoreStats.Abort;
import java.util.Arrays;

/**
 * What one thread's transactions count in the stores' statistics: commits, aborts by cause and
 * hot spot, re-runs and the time spent retrying; and the warning about a transaction that keeps
 * aborting. One per thread, reused.
 */
final class AbortLog {
    /** Aborted attempts after which a transaction logs a warning (0: never). */
    static final int WARN_AFTER = Integer.getInteger("stm4j.warnAfterRetries", 100);
    /** Where the engine and the facade were loaded from: the warning skips their frames to name the transaction's method. */
    private static final java.security.CodeSource ENGINE = codeSource(AbortLog.class);
    private static final java.security.CodeSource API = codeSource(io.stm4j.Stm.class);

    private final ThreadStats.Lookup statsByStore;
    /** {@code ThreadStats.now()} at the outermost transaction's first abort (odd); 0 before. */
    private long retryStartNanos;
    /** Per transaction: the names its conflicts were on, and how many each (a few distinct). */
    private final Object[] hotNames = new Object[4];
    private final int[] hotCounts = new int[4];
    private int nHot;
    private boolean warned;

    AbortLog(Thread thread) {
        this.statsByStore = new ThreadStats.Lookup(thread);
    }

    /** A new outermost transaction begins. */
    void begin() {
        end(); // in case the last transaction's end was lost to a stack overflow
        retryStartNanos = 0L;
        warned = false;
    }

    /** @return whether the current transaction has aborted at least once */
    boolean retried() {
        return retryStartNanos != 0L;
    }

    /** The transaction is over: forget its hot spots. */
    void end() {
        if (nHot > 0) {
            Arrays.fill(hotNames, null);
            nHot = 0;
        }
    }

    /** This thread's counters for the store {@code r}. */
    ThreadStats stats(StatsRecorder r) {
        return statsByStore.of(r);
    }

    /** Counts a commit made outside any transaction. */
    void countCommit(StatsRecorder r) {
        stats(r).add(ThreadStats.COMMITS, 1L);
    }

    /** Counts an attempt (or a commit outside any transaction) abandoned for a conflict on {@code on}. */
    void countConflict(Abort cause, Cell on) {
        stats(on.stats()).add(ThreadStats.ABORTS + cause.ordinal(), 1L);
        on.stats().conflict(on.name());
    }

    /**
     * Counts the outermost transaction's end ({@code counter}), its re-runs and time retrying.
     *
     * @param r the store it counts in; null if it wrote nothing and never aborted (not counted)
     */
    void recordEnd(int counter, StatsRecorder r, int attempts) {
        if (r == null) {
            return;
        }
        ThreadStats s = stats(r);
        s.add(counter, 1L);
        if (retryStartNanos != 0L) {
            if (attempts > 1) {
                s.add(ThreadStats.bucket(attempts - 1), 1L);
            }
            s.add(ThreadStats.RETRY_NANOS, ThreadStats.now() - retryStartNanos);
        }
    }

    /** Counts an abandoned attempt and its hot spot; warns once about a transaction that keeps re-running. */
    void recordAbort(Abort cause, Cell on, int attempts) {
        if (retryStartNanos == 0L) {
            retryStartNanos = ThreadStats.now() | 1L;
        }
        if (on == null) {
            return;
        }
        if (cause == Abort.RETRY) {
            stats(on.stats()).add(ThreadStats.ABORTS + cause.ordinal(), 1L);
            return;
        }
        countConflict(cause, on);
        noteHot(on.name());
        if (attempts >= WARN_AFTER && WARN_AFTER > 0 && !warned) {
            warned = true;
            warnLongRetry(attempts);
        }
    }

    private void noteHot(Object name) {
        for (int i = 0; i < nHot; i++) {
            if (hotNames[i].equals(name)) {
                hotCounts[i]++;
                return;
            }
        }
        if (nHot < hotNames.length) {
            hotNames[nHot] = name;
            hotCounts[nHot++] = 1;
        }
    }

    private void warnLongRetry(int attempts) {
        int best = 0;
        for (int i = 1; i < nHot; i++) {
            if (hotCounts[i] > hotCounts[best]) {
                best = i;
            }
        }
        Log.warn("stm4j: the transaction in " + transactionMethod() + " has aborted " + attempts + " times in a row;"
                + " hottest conflict: " + (nHot == 0 ? "none recorded" : hotNames[best] + " (" + hotCounts[best]
                + " of " + attempts + " aborts)") + ". Store.stats().hotSpots() lists the hot spots of all"
                + " transactions; -Dstm4j.warnAfterRetries sets when this warning comes (0: never)");
    }

    /** @return the first method on the stack outside stm4j's engine and facade: the transaction's */
    private static String transactionMethod() {
        return StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE).walk(frames -> frames
                .filter(f -> !isEngine(f.getDeclaringClass()))
                .findFirst()
                .map(f -> f.getClassName() + "." + f.getMethodName())
                .orElse("an unknown method"));
    }

    /**
     * @return whether {@code c} is the engine's or the facade's: in their package and loaded from
     *     where they were (so neither a user class in an uber jar with the engine, nor a test class
     *     in the engine's package, counts as the engine)
     */
    private static boolean isEngine(Class<?> c) {
        String p = c.getPackageName();
        java.security.CodeSource s = codeSource(c);
        return p.equals(AbortLog.class.getPackageName()) && java.util.Objects.equals(s, ENGINE)
                || p.equals(io.stm4j.Stm.class.getPackageName()) && java.util.Objects.equals(s, API);
    }

    private static java.security.CodeSource codeSource(Class<?> c) {
        java.security.ProtectionDomain d = c.getProtectionDomain();
        return d == null ? null : d.getCodeSource();
    }
}
