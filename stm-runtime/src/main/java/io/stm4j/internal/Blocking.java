package io.stm4j.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Where transactions that called {@code Stm.retry()} sleep until a commit changes something they
 * read. Commits signal only when someone waits (see {@link #hasWaiters()} for why no wake-up is
 * lost).
 */
final class Blocking {
    private static final ReentrantLock LOCK = new ReentrantLock();
    private static final Condition CHANGED = LOCK.newCondition();
    private static volatile int waiters;

    private Blocking() {
    }

    /**
     * Whether a commit must {@link #wake} waiters once it has published. A commit calls it after
     * locking its cells and ticking the clock (both full fences), before it installs anything: a
     * waiter raises {@link #waiters} and then reads its cells' lock words and heads, so of the
     * two, at least one sees the other (Dekker) — the commit sees the waiter and wakes it, or the
     * waiter sees the cell locked (and counts it as changing) or already published. No wake-up is
     * lost, and a commit pays no fence of its own for it.
     */
    static boolean hasWaiters() {
        return waiters > 0;
    }

    /** @return how many transactions are counted as waiting in {@code Stm.retry()} (for audits) */
    static int waiterCount() {
        return waiters;
    }

    /** @return whether some thread holds the waiting room's lock (for audits) */
    static boolean waitingRoomLocked() {
        return LOCK.isLocked();
    }

    /** Wakes every waiter to check its read set again. */
    static void wake() {
        LOCK.lock();
        try {
            CHANGED.signalAll();
        } finally {
            LOCK.unlock();
        }
    }

    /**
     * Blocks until {@code t}'s read set has changed or the deadline passes.
     *
     * @param deadlineNanos {@code System.nanoTime()} deadline, or {@code Long.MAX_VALUE}
     * @return false if the deadline passed first
     * @throws InterruptedException if interrupted while waiting
     */
    static boolean awaitChange(Txn t, long deadlineNanos) throws InterruptedException {
        LOCK.lock();
        try {
            waiters++;
            try {
                while (!t.changedSinceSnapshot()) {
                    if (deadlineNanos == Long.MAX_VALUE) {
                        CHANGED.await();
                    } else {
                        long left = deadlineNanos - System.nanoTime();
                        if (left <= 0) {
                            return false;
                        }
                        CHANGED.await(left, TimeUnit.NANOSECONDS);
                    }
                }
                return true;
            } finally {
                waiters--;
            }
        } finally {
            LOCK.unlock();
        }
    }
}
