package io.stm4j.it.setup;

import io.stm4j.Atomic;
import io.stm4j.Shared;

/**
 * An application, started by {@link AgentMisconfigurationTest} in a JVM of its own, whose one
 * transaction loses to another thread's write three times before it commits, so that it logs the
 * long-retry warning (with {@code -Dstm4j.warnAfterRetries=2}); then it prints
 * {@code retry probe: done, n=<n>, attempts=<attempts>}.
 */
public final class RetryWarningProbe {
    @Shared private long n;
    private int attempts;

    @Atomic
    private void incrementLosingThreeTimes() throws InterruptedException {
        long seen = n;
        if (++attempts <= 3) {
            Thread other = new Thread(this::increment, "rival");
            other.start();
            other.join(); // the rival commits after this transaction read n: this attempt must re-run
        }
        n = seen + 1;
    }

    @Atomic
    private void increment() {
        n = n + 1;
    }

    /**
     * Runs the transaction and prints its outcome.
     *
     * @param args ignored
     * @throws InterruptedException never: nothing interrupts this program
     */
    public static void main(String[] args) throws InterruptedException {
        RetryWarningProbe p = new RetryWarningProbe();
        p.incrementLosingThreeTimes();
        System.out.println("retry probe: done, n=" + p.n + ", attempts=" + p.attempts);
    }
}
