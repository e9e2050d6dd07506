package io.stm4j.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.stm4j.Stm;
import io.stm4j.Store;
import io.stm4j.Value;
import io.stm4j.testkit.Stress;
import io.stm4j.testkit.ThreadKind;
import io.stm4j.testkit.Workers;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Isolation and opacity: no attempt, committed or not, ever sees a state no serial order gives. */
class IsolationTest {
    private static final int ACCOUNTS = 64;
    private static final long INITIAL = 1_000;

    @Test
    void bankTotalIsConservedAndAuditsNeverSeeAWrongTotal() throws Exception {
        Store s = Store.create();
        String[] keys = accounts(s, "acct-", ACCOUNTS);
        int transfers = 100_000 * Stress.SCALE;
        AtomicBoolean writersDone = new AtomicBoolean();
        AtomicLong audits = new AtomicLong();
        AtomicLong violations = new AtomicLong();
        AtomicLong writersLeft = new AtomicLong(4);
        Workers.Body writer = i -> {
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            for (int n = 0; n < transfers; n++) {
                int from = rnd.nextInt(ACCOUNTS);
                int to = (from + 1 + rnd.nextInt(ACCOUNTS - 1)) % ACCOUNTS;
                transfer(s, keys[from], keys[to], rnd.nextInt(50));
            }
            if (writersLeft.decrementAndGet() == 0) {
                writersDone.set(true);
            }
        };
        Workers.Body auditor = i -> {
            do {
                // alternate read-only (multi-version) and read-write (validated) audits
                boolean readOnly = (audits.get() & 1) == 0;
                long total = Transactions.atomic(() -> {
                    long sum = 0;
                    for (String k : keys) {
                        sum += s.<Long>useVar(k).get();
                    }
                    return sum;
                }, -1, -1L, readOnly);
                Map<String, Object> exported = s.export(keys);
                long exportedTotal = exported.values().stream().mapToLong(o -> (Long) o).sum();
                if (total != ACCOUNTS * INITIAL) {
                    violations.incrementAndGet();
                }
                if (exportedTotal != ACCOUNTS * INITIAL) {
                    violations.incrementAndGet();
                }
                audits.incrementAndGet();
            } while (!writersDone.get());
        };
        Workers.of(ThreadKind.PLATFORM, "isolation").timeout(Duration.ofSeconds(300)).add(4, writer).add(1, auditor).run();
        long total = s.export(keys).values().stream().mapToLong(o -> (Long) o).sum();
        assertThat(total).isEqualTo(ACCOUNTS * INITIAL);
        assertThat(violations.get()).as("audits that saw a wrong total, of %d", audits.get()).isZero();
        assertThat(audits.get()).isPositive();
    }

    /**
     * export() and dump() promise one snapshot and never a BusyRetry. A reader that exports many
     * keys while three writers (more threads than cores) commit to them has its lock-free snapshot
     * overtaken again and again: the cells' history no longer reaches back to it. It must still
     * get one (failed with BusyRetry before the fallback to a read-only transaction).
     */
    @Test
    void exportAndDumpAlwaysTakeTheirSnapshotWhileWritersKeepOvertakingThem() throws Exception {
        int keys = 512;
        Store s = Store.create();
        String[] names = accounts(s, "k", keys);
        AtomicBoolean done = new AtomicBoolean();
        AtomicLong wrong = new AtomicLong();
        Workers.Body writer = i -> {
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            while (!done.get()) {
                int from = rnd.nextInt(keys);
                int to = (from + 1 + rnd.nextInt(keys - 1)) % keys;
                transfer(s, names[from], names[to], 1);
            }
        };
        Workers.Body reader = i -> {
            try {
                for (int n = 0; n < 200 * Stress.SCALE; n++) {
                    long exported = s.export().values().stream().mapToLong(o -> (Long) o).sum();
                    long dumped = s.dump().lines().mapToLong(l -> Long.parseLong(l.substring(l.lastIndexOf(' ') + 1))).sum();
                    if (exported != keys * INITIAL || dumped != keys * INITIAL) {
                        wrong.incrementAndGet();
                    }
                }
            } finally {
                done.set(true);
            }
        };
        Workers.of(ThreadKind.PLATFORM, "isolation").timeout(Duration.ofSeconds(300)).add(3, writer).add(1, reader).run();
        assertThat(wrong.get()).as("exports or dumps that saw a wrong total").isZero();
    }

    @Test
    void noAttemptEverSeesAnInconsistentSnapshot() throws Exception {
        Store s = Store.create();
        Value<Long> x0 = s.useVar("x");
        x0.set(0L);
        x0.commit();
        Value<Long> y0 = s.useVar("y");
        y0.set(0L);
        y0.commit();
        int writes = 50_000 * Stress.SCALE;
        AtomicBoolean done = new AtomicBoolean();
        AtomicLong attempts = new AtomicLong();
        AtomicLong inconsistent = new AtomicLong();
        AtomicLong writersLeft = new AtomicLong(2);
        Workers.Body writer = i -> {
            for (int n = 0; n < writes; n++) {
                Stm.atomic(() -> {
                    Value<Long> x = s.useVar("x");
                    x.set(x.get() + 1);
                    x.commit();
                    Value<Long> y = s.useVar("y");
                    y.set(y.get() + 1);
                    y.commit();
                });
            }
            if (writersLeft.decrementAndGet() == 0) {
                done.set(true);
            }
        };
        Workers.Body reader = i -> {
            boolean readOnly = i % 2 == 0;
            do {
                Transactions.atomic(() -> {
                    attempts.incrementAndGet();
                    long x = s.<Long>useVar("x").get();
                    // widen the window between the two reads
                    for (int k = 0; k < 50; k++) {
                        Thread.onSpinWait();
                    }
                    long y = s.<Long>useVar("y").get();
                    if (x != y) {
                        inconsistent.incrementAndGet(); // recorded even if this attempt later aborts
                    }
                    if (!readOnly) {
                        Value<Long> z = s.useVar("z-" + Thread.currentThread().getName());
                        z.set(x);
                        z.commit(); // a write, so that the attempt is validated at commit
                    }
                    return null;
                }, -1, -1L, readOnly);
            } while (!done.get());
        };
        Workers.of(ThreadKind.PLATFORM, "isolation").timeout(Duration.ofSeconds(300)).add(2, writer).add(2, reader).run();
        assertThat(inconsistent.get()).as("attempts that saw x != y, of %d", attempts.get()).isZero();
        assertThat(s.<Long>useVar("x").get()).isEqualTo(2L * writes);
        assertThat(s.<Long>useVar("y").get()).isEqualTo(2L * writes);
    }

    @Test
    void writeSkewIsImpossible() throws Exception {
        int rounds = 2_000 * Stress.SCALE;
        int both = 0;
        for (int r = 0; r < rounds; r++) {
            Store s = Store.create();
            // each transaction: if x + y == 0 (both "on call"), take itself off call
            Workers.Body w = i -> Stm.atomic(() -> {
                Value<Integer> x = s.useVar("x");
                Value<Integer> y = s.useVar("y");
                int sum = (x.get() == null ? 0 : x.get()) + (y.get() == null ? 0 : y.get());
                if (sum == 0) {
                    Value<Integer> mine = i == 0 ? x : y;
                    mine.set(1);
                    mine.commit();
                }
            });
            Workers.of(ThreadKind.PLATFORM, "isolation").timeout(Duration.ofSeconds(30)).add(2, w).run();
            Map<String, Object> e = s.export("x", "y");
            if (Integer.valueOf(1).equals(e.get("x")) && Integer.valueOf(1).equals(e.get("y"))) {
                both++;
            }
        }
        assertThat(both).as("rounds in which both transactions committed on the same snapshot").isZero();
    }

    /** @return the keys {@code prefix0 .. prefix(n-1)}, each committed with {@link #INITIAL} */
    private static String[] accounts(Store s, String prefix, int n) {
        String[] keys = new String[n];
        for (int i = 0; i < n; i++) {
            keys[i] = prefix + i;
            Value<Long> v = s.useVar(keys[i]);
            v.set(INITIAL);
            v.commit();
        }
        return keys;
    }

    /** Moves {@code amount} from one key to another in one transaction. */
    private static void transfer(Store s, String from, String to, long amount) {
        Stm.atomic(() -> {
            Value<Long> a = s.useVar(from);
            Value<Long> b = s.useVar(to);
            a.set(a.get() - amount);
            b.set(b.get() + amount);
            a.commit();
            b.commit();
        });
    }
}
