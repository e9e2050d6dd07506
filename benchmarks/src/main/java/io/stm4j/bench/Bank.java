package io.stm4j.bench;

/**
 * One engine under test: the state of every workload (1024 accounts holding {@value #INITIAL}
 * each, one counter, {@value #HOT} hot cells) and the operations the workloads perform, each one
 * transaction (or one critical section) of the engine.
 *
 * <p>Implementations are thread-safe, except the deliberately broken {@code racy} one.
 */
public interface Bank {
    int ACCOUNTS = 1024;
    long INITIAL = 1_000L;
    int HOT = 4;
    /** How many accounts {@link #sum} reads. */
    int SUM_WIDTH = 16;
    long EXPECTED_TOTAL = ACCOUNTS * INITIAL;

    /** @return the counter, in a read-only transaction */
    long readCounter();

    /** counter = counter + 1, in one transaction */
    void incCounter();

    /**
     * Moves 1 from one account to another, in one transaction. No overdraft check: the workload is
     * about conflicts, and the invariant is conservation of the total.
     *
     * @param from an account index
     * @param to another account index, distinct from {@code from}
     */
    void transfer(int from, int to);

    /**
     * @param accounts {@value #SUM_WIDTH} account indices, strictly ascending
     * @return the sum of those accounts' balances, read in one read-only transaction
     */
    long sum(int[] accounts);

    /** Increments all {@value #HOT} hot cells in one transaction. */
    void incHot();

    /** @return whether this engine holds accounts and hot cells (the counter-only floor does not) */
    default boolean hasAccounts() {
        return true;
    }

    /** @return the sum of all accounts, read in one transaction */
    long total();

    /** @return the hot cells, read in one transaction */
    long[] hotCells();
}
