package io.stm4j.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.stm4j.Atomic;
import io.stm4j.Shared;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A plain read of a {@code @Shared} field outside any transaction, while another thread commits
 * to it as fast as it can, always returns a committed value, and never an older one than a read
 * before it. (Regression: when commits trimmed the cell's history past the clock value the read
 * had taken, the read failed with a NullPointerException, within about 10,000 reads.)
 */
class PlainReadTest {
    static final class Counter {
        @Shared long n;

        @Atomic
        void inc() {
            n = n + 1;
        }
    }

    @Test
    void readsOutsideTransactionsSeeCommittedValuesInOrder() throws Exception {
        Counter c = new Counter();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> writerFailure = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            try {
                while (!stop.get()) {
                    c.inc();
                }
            } catch (Throwable e) {
                writerFailure.set(e);
            }
        }, "plain-read-writer");
        writer.start();
        long reads = 0;
        long last = 0;
        try {
            long deadline = System.nanoTime() + 3_000_000_000L;
            while (reads < 2_000_000 && System.nanoTime() < deadline) {
                long x = c.n;
                assertThat(x).as("read %d went back", reads).isGreaterThanOrEqualTo(last);
                last = x;
                reads++;
            }
        } finally {
            stop.set(true);
            writer.join(10_000);
        }
        assertThat(writer.isAlive()).isFalse();
        assertThat(writerFailure.get()).isNull();
        assertThat(reads).isPositive();
        assertThat(c.n).isGreaterThanOrEqualTo(last);
    }
}
