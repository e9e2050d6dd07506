package io.stm4j.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Where transactions that called {@code Stm.retry()} sleep until a commit changes something they
 * read. Commits signal only when someone waits ({@link #waiters} is checked after publishing; the
 * waiter registers before checking its read set, so no wake-up is lost).
 */
final class Blocking {
    private static final ReentrantLock LOCK = new ReentrantLock();
    private static final Condition CHANGED = LOCK.newCondition();
    private static volatile int waiters;

    private Blocking() {
    }

    /** Called by every commit after it has published. */
    static void published() {
        if (waiters > 0) {
            LOCK.lock();
            try {
                CHANGED.signalAll();
            } finally {
                LOCK.unlock();
            }
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
                while (!t.readSetChanged()) {
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
