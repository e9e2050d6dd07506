package io.stm4j.internal;

import io.stm4j.BusyRetry;
import io.stm4j.ConcurrentUpdate;
import io.stm4j.MaxRetriesExceeded;
import io.stm4j.RetryTimeoutExceeded;
import io.stm4j.StmException;

/**
 * The limits of an outermost transaction ({@code maxRetries}, {@code timeoutMillis}) and what
 * happens between two of its attempts: give up, take priority ({@link ContentionManager}), or
 * back off with jitter. One per thread, reused.
 */
final class RetryPolicy {
    private int maxRetries;
    private long timeoutNanos;
    private long startNanos;
    /** While privileged: when the current attempt started, and the longest privileged attempt. */
    private long privilegedSince;
    private long longestPrivileged;

    /** Takes the limits of a new outermost transaction. */
    void begin(int maxRetries, long timeoutMillis) {
        if (maxRetries < -1) {
            throw new IllegalArgumentException("maxRetries must be -1 (unlimited) or >= 0, was " + maxRetries);
        }
        if (timeoutMillis < -1) {
            throw new IllegalArgumentException("timeoutMillis must be -1 (none) or >= 0, was " + timeoutMillis);
        }
        this.maxRetries = maxRetries;
        this.timeoutNanos = timeoutMillis < 0 ? -1L : timeoutMillis * 1_000_000L;
        this.startNanos = timeoutMillis < 0 ? 0L : System.nanoTime();
        this.longestPrivileged = 0L;
    }

    boolean isPastTimeout() {
        return timeoutNanos >= 0 && System.nanoTime() - startNanos > timeoutNanos;
    }

    /** @return when the timeout ends, in {@link System#nanoTime()}; {@code Long.MAX_VALUE} without one */
    long deadline() {
        return timeoutNanos < 0 ? Long.MAX_VALUE : startNanos + timeoutNanos;
    }

    /** @return whether a transaction that has lost {@code attempts} times must give up now */
    boolean exhausted(int attempts) {
        return maxRetries >= 0 && attempts > maxRetries || isPastTimeout();
    }

    /**
     * @param attempts the attempts made, the last of which lost ({@link #exhausted} is true)
     * @param cause what made the last one lose
     * @return the exception to give up with
     */
    StmException giveUp(int attempts, Throwable cause) {
        if (maxRetries >= 0 && attempts > maxRetries) {
            return new MaxRetriesExceeded("transaction still conflicted after " + attempts + " attempts (maxRetries="
                    + maxRetries + ")", attempts, cause);
        }
        return new RetryTimeoutExceeded("transaction still conflicted after " + (timeoutNanos / 1_000_000L)
                + " ms and " + attempts + " attempts", attempts, cause);
    }

    /** @return the exception that says what made an attempt lose: {@code on} was busy, or changed */
    static Throwable cause(Cell on, boolean busy) {
        String name = String.valueOf(on);
        return busy
                ? new BusyRetry("'" + name + "' stayed locked by concurrent commits")
                : new ConcurrentUpdate("'" + name + "' was changed by a concurrent commit");
    }

    /** @return the exception for a {@code Stm.retry()} that waited until the timeout */
    StmException retryTimedOut(int attempts, Throwable cause) {
        return new RetryTimeoutExceeded("transaction still waiting in Stm.retry() after "
                + (timeoutNanos / 1_000_000L) + " ms", attempts, cause);
    }

    /**
     * Before the next attempt of {@code t}, which has lost {@code attempts} times in a row: takes
     * or renews the priority gate once it has lost often enough.
     *
     * @return the ticket of its tenure, or 0 if it holds none
     */
    long prioritize(Txn t, int attempts, long ticket) {
        if (attempts < ContentionManager.PRIORITY_AFTER) {
            return ticket;
        }
        long now = System.nanoTime();
        if (ticket != 0L) {
            longestPrivileged = Math.max(longestPrivileged, now - privilegedSince);
        }
        privilegedSince = now;
        return ContentionManager.tryPrioritize(t, longestPrivileged);
    }

    /**
     * Waits before the next attempt: backs off with jitter, or, for a privileged transaction,
     * not at all.
     *
     * @return false if the thread was interrupted
     */
    static boolean pause(int attempts, boolean privileged) {
        return privileged ? !Thread.currentThread().isInterrupted() : Backoff.pause(attempts);
    }
}
