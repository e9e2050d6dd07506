package io.stm4j.it.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * Reads a value on the test thread while a writer thread keeps committing to it, and asserts that
 * no read goes back: each is at least the one before. Bounded (2 million reads or 3 s) and joined.
 */
public final class RacingReads {
    private RacingReads() {
    }

    /**
     * @param name the writer thread's name
     * @param writerStep one step of the writer, repeated until the reads are done
     * @param read the read under test
     * @return the last value read (the caller checks the final state against it)
     */
    public static long neverGoBack(String name, Runnable writerStep, LongSupplier read) throws InterruptedException {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> writerFailure = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            try {
                while (!stop.get()) {
                    writerStep.run();
                }
            } catch (Throwable e) {
                writerFailure.set(e);
            }
        }, name);
        writer.start();
        long reads = 0;
        long last = Long.MIN_VALUE;
        try {
            long deadline = System.nanoTime() + 3_000_000_000L;
            while (reads < 2_000_000 && System.nanoTime() < deadline) {
                long x = read.getAsLong();
                assertThat(x).as("read %d went back", reads).isGreaterThanOrEqualTo(last);
                last = x;
                reads++;
            }
        } finally {
            stop.set(true);
            writer.join(10_000);
        }
        assertThat(writer.isAlive()).as(name + " finished").isFalse();
        assertThat(writerFailure.get()).isNull();
        assertThat(reads).isPositive();
        return last;
    }
}
