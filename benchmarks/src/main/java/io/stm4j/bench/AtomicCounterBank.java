package io.stm4j.bench;

import java.util.concurrent.atomic.AtomicLong;

/** The floor for the counter workloads: one {@link AtomicLong}. It has no accounts. */
final class AtomicCounterBank implements Bank {
    private final AtomicLong counter = new AtomicLong();

    @Override
    public long readCounter() {
        return counter.get();
    }

    @Override
    public void incCounter() {
        counter.incrementAndGet();
    }

    @Override
    public boolean hasAccounts() {
        return false;
    }

    @Override
    public void transfer(int from, int to) {
        throw new UnsupportedOperationException("the atomic engine only has a counter");
    }

    @Override
    public long sum(int[] accounts) {
        throw new UnsupportedOperationException("the atomic engine only has a counter");
    }

    @Override
    public void incHot() {
        throw new UnsupportedOperationException("the atomic engine only has a counter");
    }

    @Override
    public long total() {
        throw new UnsupportedOperationException("the atomic engine only has a counter");
    }

    @Override
    public long[] hotCells() {
        throw new UnsupportedOperationException("the atomic engine only has a counter");
    }
}
