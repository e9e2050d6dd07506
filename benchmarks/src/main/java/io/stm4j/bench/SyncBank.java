package io.stm4j.bench;

/** The coarse-grained baseline: one {@code synchronized} monitor around everything. */
final class SyncBank implements Bank {
    private final Object lock = new Object();
    private final long[] acct = new long[ACCOUNTS];
    private final long[] hot = new long[HOT];
    private long counter;

    SyncBank() {
        java.util.Arrays.fill(acct, INITIAL);
    }

    @Override
    public long readCounter() {
        synchronized (lock) {
            return counter;
        }
    }

    @Override
    public void incCounter() {
        synchronized (lock) {
            counter++;
        }
    }

    @Override
    public void transfer(int from, int to) {
        synchronized (lock) {
            acct[from]--;
            acct[to]++;
        }
    }

    @Override
    public long sum(int[] accounts) {
        synchronized (lock) {
            long s = 0;
            for (int i : accounts) {
                s += acct[i];
            }
            return s;
        }
    }

    @Override
    public void incHot() {
        synchronized (lock) {
            for (int i = 0; i < HOT; i++) {
                hot[i]++;
            }
        }
    }

    @Override
    public long total() {
        synchronized (lock) {
            long s = 0;
            for (long a : acct) {
                s += a;
            }
            return s;
        }
    }

    @Override
    public long[] hotCells() {
        synchronized (lock) {
            return hot.clone();
        }
    }
}
