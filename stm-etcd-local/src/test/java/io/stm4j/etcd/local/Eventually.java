package io.stm4j.etcd.local;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

/** Polls a condition with a bound, for the tests: no sleep stands in for a wait. */
final class Eventually {
    private Eventually() {
    }

    /**
     * Calls {@code probe} every 25 ms until its value satisfies {@code done}, for at most {@code timeout}. An
     * {@link IOException} of the probe (a member electing, restarting or catching up) counts as not yet; the
     * last one is the cause of the {@link AssertionError} at the timeout.
     */
    static <T> T until(Duration timeout, Callable<T> probe, Predicate<T> done) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            IOException failure = null;
            T value = null;
            try {
                value = probe.call();
                if (done.test(value)) {
                    return value;
                }
            } catch (IOException e) {
                failure = e;
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new AssertionError("not so within " + timeout.toMillis() + " ms; the last value: " + value, failure);
            }
            Thread.sleep(25);
        }
    }
}
