package io.stm4j.bench;

import java.util.concurrent.locks.StampedLock;

/**
 * One {@link StampedLock}: reads are optimistic (validated, falling back to the read lock when a
 * writer intervened), writes take the write lock.
 */
final class StampedBank implements Bank {
    private final StampedLock lock = new StampedLock();
    private final long[] acct = new long[ACCOUNTS];
    private final long[] hot = new long[HOT];
    private long counter;

    StampedBank() {
        java.util.Arrays.fill(acct, INITIAL);
    }

    @Override
    public long readCounter() {
        long stamp = lock.tryOptimisticRead();
        long c = counter;
        if (lock.validate(stamp)) {
            return c;
        }
        stamp = lock.readLock();
        try {
            return counter;
        } finally {
            lock.unlockRead(stamp);
        }
    }

    @Override
    public void incCounter() {
        long stamp = lock.writeLock();
        try {
            counter++;
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    @Override
    public void transfer(int from, int to) {
        long stamp = lock.writeLock();
        try {
            acct[from]--;
            acct[to]++;
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    private long sumOf(int[] accounts) {
        long s = 0;
        for (int i : accounts) {
            s += acct[i];
        }
        return s;
    }

    @Override
    public long sum(int[] accounts) {
        long stamp = lock.tryOptimisticRead();
        long s = sumOf(accounts);
        if (lock.validate(stamp)) {
            return s;
        }
        stamp = lock.readLock();
        try {
            return sumOf(accounts);
        } finally {
            lock.unlockRead(stamp);
        }
    }

    @Override
    public void incHot() {
        long stamp = lock.writeLock();
        try {
            for (int i = 0; i < HOT; i++) {
                hot[i]++;
            }
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    @Override
    public long total() {
        long stamp = lock.readLock();
        try {
            long s = 0;
            for (long a : acct) {
                s += a;
            }
            return s;
        } finally {
            lock.unlockRead(stamp);
        }
    }

    @Override
    public long[] hotCells() {
        long stamp = lock.readLock();
        try {
            return hot.clone();
        } finally {
            lock.unlockRead(stamp);
        }
    }
}
