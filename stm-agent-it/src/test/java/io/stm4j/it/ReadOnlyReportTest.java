package io.stm4j.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.stm4j.Atomic;
import io.stm4j.Shared;
import io.stm4j.testkit.ThreadKind;
import io.stm4j.testkit.Workers;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A read-only report over 1,000 {@code @Shared} fields while two threads keep transferring among
 * them as fast as they can (more threads than this machine's two cores, so the report is
 * preempted in the middle): after the first report, each commits in its first attempt, reading
 * older versions of the fields written since its snapshot. (With a fixed history of 4 to 8
 * versions per cell, such a report took about 13 attempts.) A count, not a timing.
 */
class ReadOnlyReportTest {
    private static final int ACCOUNTS = 1_000;
    private static final long INITIAL = 100;

    static final class Cash {
        @Shared long balance = INITIAL;
    }

    static final class Books {
        final Cash[] accounts = new Cash[ACCOUNTS];
        final AtomicInteger attempts = new AtomicInteger();

        Books() {
            for (int i = 0; i < ACCOUNTS; i++) {
                accounts[i] = new Cash();
            }
        }

        @Atomic
        void transfer(int from, int to) {
            accounts[from].balance -= 1;
            accounts[to].balance += 1;
        }

        @Atomic(readOnly = true)
        long report() {
            attempts.incrementAndGet();
            long sum = 0;
            for (Cash c : accounts) {
                sum += c.balance;
            }
            return sum;
        }
    }

    @Test
    void aLongReportCommitsInItsFirstAttemptWhileTwoThreadsTransfer() throws Exception {
        Books books = new Books();
        int reports = 1_000;
        int[] attempts = new int[reports];
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger transfers = new AtomicInteger();
        AtomicInteger wrong = new AtomicInteger();
        Workers run = Workers.of(ThreadKind.PLATFORM, "report").timeout(Duration.ofSeconds(120));
        run.add(2, i -> {
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            while (!done.get() && !run.failed()) {
                int from = rnd.nextInt(ACCOUNTS);
                books.transfer(from, (from + 1 + rnd.nextInt(ACCOUNTS - 1)) % ACCOUNTS);
                transfers.incrementAndGet();
            }
        }).add(1, i -> {
            try {
                while (transfers.get() < 100_000 && !run.failed()) {
                    Thread.onSpinWait(); // the transfers are under way, and compiled, before the first report
                }
                for (int r = 0; r < reports; r++) {
                    int before = books.attempts.get();
                    if (books.report() != ACCOUNTS * INITIAL) {
                        wrong.incrementAndGet();
                    }
                    attempts[r] = books.attempts.get() - before;
                }
            } finally {
                done.set(true);
            }
        }).run();

        int first = 0;
        int all = 0;
        StringBuilder retried = new StringBuilder();
        for (int r = 0; r < reports; r++) {
            first += attempts[r] == 1 ? 1 : 0;
            all += attempts[r];
            if (attempts[r] > 1) {
                retried.append(retried.length() == 0 ? "" : ", ").append("#").append(r).append(": ").append(attempts[r]);
            }
        }
        System.out.printf("%d of %d reports over %d fields committed in their first attempt (%d attempts, the first "
                + "report %d) during %d transfers; the reports that took more: %s%n", first, reports, ACCOUNTS, all,
                attempts[0], transfers.get(), retried);
        assertThat(wrong.get()).as("reports that saw a wrong total").isZero();
        assertThat(first).as("reports committed in their first attempt, of %d (attempts: %d)", reports, all)
                .isGreaterThanOrEqualTo(reports * 99 / 100);
    }
}
