package io.stm4j.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.stm4j.Atomic;
import io.stm4j.Shared;
import io.stm4j.it.support.RacingReads;
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
        long last = RacingReads.neverGoBack("plain-read-writer", c::inc, () -> c.n);
        assertThat(c.n).isGreaterThanOrEqualTo(last);
    }
}
