package io.stm4j.bench;

import java.util.concurrent.locks.ReentrantLock;

/**
 * Fine-grained locking: one {@link ReentrantLock} per account (and per hot cell, and for the
 * counter), several locks always taken in ascending index order so that nothing deadlocks.
 */
final class LockPerAccountBank implements Bank {
    private final ReentrantLock counterLock = new ReentrantLock();
    private final ReentrantLock[] acctLocks = locks(ACCOUNTS);
    private final ReentrantLock[] hotLocks = locks(HOT);
    private final long[] acct = new long[ACCOUNTS];
    private final long[] hot = new long[HOT];
    private long counter;

    LockPerAccountBank() {
        java.util.Arrays.fill(acct, INITIAL);
    }

    private static ReentrantLock[] locks(int n) {
        ReentrantLock[] ls = new ReentrantLock[n];
        for (int i = 0; i < n; i++) {
            ls[i] = new ReentrantLock();
        }
        return ls;
    }

    @Override
    public long readCounter() {
        counterLock.lock();
        try {
            return counter;
        } finally {
            counterLock.unlock();
        }
    }

    @Override
    public void incCounter() {
        counterLock.lock();
        try {
            counter++;
        } finally {
            counterLock.unlock();
        }
    }

    @Override
    public void transfer(int from, int to) {
        ReentrantLock first = acctLocks[Math.min(from, to)];
        ReentrantLock second = acctLocks[Math.max(from, to)];
        first.lock();
        try {
            second.lock();
            try {
                acct[from]--;
                acct[to]++;
            } finally {
                second.unlock();
            }
        } finally {
            first.unlock();
        }
    }

    @Override
    public long sum(int[] accounts) {
        // accounts are strictly ascending: taking their locks in that order is deadlock-free
        int locked = 0;
        try {
            for (; locked < accounts.length; locked++) {
                acctLocks[accounts[locked]].lock();
            }
            long s = 0;
            for (int i : accounts) {
                s += acct[i];
            }
            return s;
        } finally {
            for (int i = locked - 1; i >= 0; i--) {
                acctLocks[accounts[i]].unlock();
            }
        }
    }

    @Override
    public void incHot() {
        int locked = 0;
        try {
            for (; locked < HOT; locked++) {
                hotLocks[locked].lock();
            }
            for (int i = 0; i < HOT; i++) {
                hot[i]++;
            }
        } finally {
            for (int i = locked - 1; i >= 0; i--) {
                hotLocks[i].unlock();
            }
        }
    }

    @Override
    public long total() {
        int locked = 0;
        try {
            for (; locked < ACCOUNTS; locked++) {
                acctLocks[locked].lock();
            }
            long s = 0;
            for (long a : acct) {
                s += a;
            }
            return s;
        } finally {
            for (int i = locked - 1; i >= 0; i--) {
                acctLocks[i].unlock();
            }
        }
    }

    @Override
    public long[] hotCells() {
        int locked = 0;
        try {
            for (; locked < HOT; locked++) {
                hotLocks[locked].lock();
            }
            return hot.clone();
        } finally {
            for (int i = locked - 1; i >= 0; i--) {
                hotLocks[i].unlock();
            }
        }
    }
}
