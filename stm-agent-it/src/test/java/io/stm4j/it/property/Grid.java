package io.stm4j.it.property;

import io.stm4j.it.support.Api;
import java.util.concurrent.atomic.AtomicLong;

/** A row of counters and a total, written with each API: the liveness workloads. */
interface Grid {
    static Grid create(Api api, int cells) {
        return api == Api.STORE ? new StoreGrid(cells) : new SharedGrid(cells);
    }

    int size();

    /** Adds one to cell {@code i}: a short transaction. */
    void increment(int i);

    /**
     * A long transaction: reads every cell, spinning {@code spinPerCell} times after each read,
     * then writes their sum into the total.
     *
     * @param attempts incremented by every attempt
     * @return the sum written
     */
    default long sumIntoTotal(int spinPerCell, AtomicLong attempts) {
        return sumIntoTotal(() -> spin(spinPerCell), attempts);
    }

    /**
     * A long transaction: reads every cell, running {@code afterEachRead} after each read (it may
     * compute, park or wait for another thread), then writes their sum into the total.
     *
     * @param attempts incremented by every attempt
     * @return the sum written
     */
    long sumIntoTotal(Runnable afterEachRead, AtomicLong attempts);

    /** Moves {@code amount} from cell {@code from} to cell {@code to}: a short transaction that keeps the sum. */
    void move(int from, int to, long amount);

    /**
     * One transaction that reads every cell, spins {@code spin} times (so that transactions
     * overlap and conflict), and adds one to cells {@code i} and {@code j}.
     */
    void readAllAddTwo(int i, int j, int spin, AtomicLong attempts);

    /** @return the total last written by {@link #sumIntoTotal}, latest committed */
    long total();

    /** @return the sum of the cells, read in one transaction */
    long sum();

    /** Asserts that no cell of this grid is locked. @return how many cells were checked */
    int assertNoCellLocked();

    /** Busy work that the JIT cannot remove, to make a transaction long. */
    static void spin(int n) {
        for (int k = 0; k < n; k++) {
            Thread.onSpinWait();
        }
    }
}
