package io.stm4j.bench;

/**
 * Deliberately broken: no synchronization at all. Never in a default engine list; run a
 * contended workload with {@code -p engine=racy} to see the trial-teardown check fail.
 */
final class RacyBank implements Bank {
    private final long[] acct = new long[ACCOUNTS];
    private final long[] hot = new long[HOT];
    private long counter;

    RacyBank() {
        java.util.Arrays.fill(acct, INITIAL);
    }

    @Override
    public long readCounter() {
        return counter;
    }

    @Override
    public void incCounter() {
        counter++;
    }

    @Override
    public void transfer(int from, int to) {
        acct[from]--;
        acct[to]++;
    }

    @Override
    public long sum(int[] accounts) {
        long s = 0;
        for (int i : accounts) {
            s += acct[i];
        }
        return s;
    }

    @Override
    public void incHot() {
        for (int i = 0; i < HOT; i++) {
            hot[i]++;
        }
    }

    @Override
    public long total() {
        long s = 0;
        for (long a : acct) {
            s += a;
        }
        return s;
    }

    @Override
    public long[] hotCells() {
        return hot.clone();
    }
}
