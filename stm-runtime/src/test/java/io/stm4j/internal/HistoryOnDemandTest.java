package io.stm4j.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.stm4j.testkit.ThreadKind;
import io.stm4j.testkit.Workers;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Cells keep older versions only for the snapshot readers that need them ({@link Cell#keep}):
 * none for cells no snapshot reads, enough for a long read-only report to commit in its first
 * attempt while writers keep changing what it reads.
 */
class HistoryOnDemandTest {
    private static final int FIELDS = 1_000;
    private static final long INITIAL = 100;

    @Test
    void aCellWrittenOftenButNeverReadBySnapshotsKeepsOneVersion() {
        Cell c = CellAccess.newLongCell("c");
        for (int i = 0; i < 5_000; i++) {
            Transactions.atomic(() -> {
                CellAccess.setLong(c, CellAccess.getLong(c) + 1);
                return null;
            }, -1, -1L, false);
        }
        assertThat(c.keep()).isZero();
        assertThat(c.head().prim).isEqualTo(5_000L);
        assertThat(c.head().prev).as("older versions nobody asked for").isNull();
    }

    @Test
    void historyGrowsWhenASnapshotNeedsItAndShrinksWhenNoneUsesIt() {
        Cell c = CellAccess.newLongCell("c");
        c.wantHistory();
        c.wantHistory();
        assertThat(c.keep()).isEqualTo(2);
        for (int i = 0; i < 8; i++) {
            write(c, i);
        }
        assertThat(depth(c)).isBetween(3, 5); // head + between keep and 2 * keep older versions
        for (int i = 0; i < 2 * Cell.SHRINK_EVERY + 2; i++) {
            write(c, i);
        }
        // two shrink checks: the first forgets the reader's use, the second finds none and halves
        assertThat(c.keep()).isEqualTo(1);
        for (int i = 0; i < Cell.SHRINK_EVERY; i++) {
            write(c, i);
        }
        assertThat(c.keep()).isZero();
        write(c, 1);
        write(c, 2);
        assertThat(depth(c)).isEqualTo(1);
    }

    @Test
    void growthStopsAtTheMaximum() {
        Cell c = CellAccess.newLongCell("c");
        for (int i = 0; i < 40; i++) {
            c.wantHistory();
        }
        assertThat(c.keep()).isEqualTo(Cell.MAX_KEEP);
    }

    /**
     * Issue 13's report: a read-only transaction over 1,000 cells while two threads keep
     * transferring among them. After the first report has grown the history of the cells it read,
     * later reports commit in their first attempt (a count, not a timing); cells that no report
     * reads, written by the same transfers, keep no history.
     */
    @Test
    void aLongReadOnlyReportCommitsInItsFirstAttemptWhileWritersMoveMoney() throws Exception {
        Cell[] read = cells("r", FIELDS);
        Cell[] unread = cells("u", FIELDS);
        int reports = 1_000;
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger transfers = new AtomicInteger();
        AtomicInteger wrong = new AtomicInteger();
        int[] attempts = new int[reports];
        Workers run = Workers.of(ThreadKind.PLATFORM, "report").timeout(Duration.ofSeconds(120));
        Workers.Body writer = i -> {
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            while (!done.get() && !run.failed()) {
                int from = rnd.nextInt(FIELDS);
                int to = (from + 1 + rnd.nextInt(FIELDS - 1)) % FIELDS;
                Transactions.atomic(() -> {
                    move(read, from, to);
                    move(unread, from, to);
                    return null;
                }, -1, -1L, false);
                transfers.incrementAndGet();
            }
        };
        Workers.Body reporter = i -> {
            try {
                // the writers are under way before the first report
                while (transfers.get() < 10_000 && !run.failed()) {
                    Thread.onSpinWait();
                }
                for (int r = 0; r < reports; r++) {
                    int n = r;
                    long total = Transactions.atomic(() -> {
                        attempts[n]++;
                        long sum = 0;
                        for (Cell c : read) {
                            sum += CellAccess.getLong(c);
                        }
                        return sum;
                    }, -1, -1L, true);
                    if (total != FIELDS * INITIAL) {
                        wrong.incrementAndGet();
                    }
                }
            } finally {
                done.set(true);
            }
        };
        run.add(2, writer).add(1, reporter).run();

        int firstAttempt = 0;
        int all = 0;
        for (int a : attempts) {
            firstAttempt += a == 1 ? 1 : 0;
            all += a;
        }
        int grown = 0;
        for (Cell c : read) {
            grown += c.keep() > 0 ? 1 : 0;
        }
        System.out.printf("report of %d cells: %d of %d reports committed in their first attempt (%d attempts in all, "
                + "the first report %d); %d transfers; history grown on %d of the cells read%n",
                FIELDS, firstAttempt, reports, all, attempts[0], transfers.get(), grown);
        assertThat(wrong.get()).as("reports that saw a wrong total").isZero();
        assertThat(firstAttempt).as("reports committed in their first attempt, of %d (attempts: %d)", reports, all)
                .isGreaterThanOrEqualTo(reports * 99 / 100);
        for (Cell c : unread) {
            assertThat(c.keep()).as("history of a cell no report reads").isZero();
            assertThat(c.head().prev).isNull();
        }
    }

    private static Cell[] cells(String prefix, int n) {
        Cell[] cs = new Cell[n];
        for (int i = 0; i < n; i++) {
            cs[i] = CellAccess.newLongCell(prefix + i);
        }
        Transactions.atomic(() -> {
            for (Cell c : cs) {
                CellAccess.setLong(c, INITIAL);
            }
            return null;
        }, -1, -1L, false);
        return cs;
    }

    private static void move(Cell[] cs, int from, int to) {
        CellAccess.setLong(cs[from], CellAccess.getLong(cs[from]) - 1);
        CellAccess.setLong(cs[to], CellAccess.getLong(cs[to]) + 1);
    }

    private static void write(Cell c, long v) {
        Transactions.atomic(() -> {
            CellAccess.setLong(c, v);
            return null;
        }, -1, -1L, false);
    }

    private static int depth(Cell c) {
        int n = 0;
        for (Version v = c.head(); v != null; v = v.prev) {
            n++;
        }
        return n;
    }
}
