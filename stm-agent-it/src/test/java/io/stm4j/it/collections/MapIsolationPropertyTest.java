package io.stm4j.it.collections;

import static org.assertj.core.api.Assertions.assertThat;

import io.stm4j.collections.TxMap;
import io.stm4j.testkit.EngineQuiescence;
import io.stm4j.testkit.Stress;
import io.stm4j.testkit.ThreadKind;
import io.stm4j.testkit.Workers;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Isolation of {@link TxMap} under concurrency: no attempt of a reader's transaction — committed or
 * later re-run — sees a state that no serial order of the writers' commits produces.
 *
 * <p>Writers move amounts between the keys of one map, several moves per transaction (a multi-key
 * update): a move that empties a key removes it, a move to an absent key inserts it, so keys come
 * and go (and the map's sweep of absent keys runs) while the total stays constant. Each writer
 * transaction also counts itself in a {@code @Shared} field ({@link Tally#commits}). Readers, in
 * transactions, either iterate {@code entrySet()} or {@code get} every possible key, and in every
 * attempt record: a total other than the constant one (a torn snapshot), a number of entries other
 * than {@code size()} read in the same transaction (size inconsistent with membership), an entry
 * whose value is not positive (a removed key seen present, or a dirty write), or a commit count
 * below one this reader saw before (an older snapshot). A third kind of reader iterates the map
 * outside any transaction, which is one snapshot, and must see the exact total too. All these
 * counts must be zero; at the end the total is exact and the commit count that of the writers'
 * transactions. Runs with both styles ({@code Stm.atomic} lambdas, {@code @Atomic} methods, the
 * latter read-only for readers on every other round) on both thread kinds.
 */
@ExtendWith(EngineQuiescence.class)
class MapIsolationPropertyTest {
    private static final int INVOCATIONS = Way.all().size();
    /** Keys that may be present; {@link #INITIAL_KEYS} of them are at the start. */
    private static final int KEYS = 48;
    private static final int INITIAL_KEYS = 32;
    private static final long INITIAL = 1_000;

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.stm4j.it.collections.Way#all")
    void readersSeeTheExactTotalAndAConsistentSize(Way way) throws Exception {
        Stress.rounds(INVOCATIONS, () -> round(way));
    }

    private void round(Way way) throws Exception {
        int readers = Math.max(2, Stress.THREADS / 2);
        int writers = Math.max(1, Stress.THREADS - readers);
        int txnsEach = Math.max(500, 12_000 * Stress.SCALE / writers);
        TxMap<Integer, Long> map = TxMap.create();
        for (int k = 0; k < INITIAL_KEYS; k++) {
            map.put(k, INITIAL);
        }
        long total = INITIAL_KEYS * INITIAL;
        Tally tally = new Tally();
        AtomicInteger writersLeft = new AtomicInteger(writers);
        AtomicLong attempts = new AtomicLong();
        AtomicLong audits = new AtomicLong();
        AtomicLong torn = new AtomicLong();
        AtomicLong badSize = new AtomicLong();
        AtomicLong dirty = new AtomicLong();
        AtomicLong stale = new AtomicLong();
        AtomicLong removals = new AtomicLong();
        long t0 = System.nanoTime();
        Workers w = Workers.of(way.kind, "map-isolation");
        w.add(writers, i -> {
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            try {
                for (int n = 0; n < txnsEach && !w.failed(); n++) {
                    int moves = 1 + rnd.nextInt(3);
                    long[] plan = new long[moves * 3];
                    for (int m = 0; m < moves; m++) {
                        plan[3 * m] = rnd.nextInt(KEYS);
                        plan[3 * m + 1] = rnd.nextInt(KEYS);
                        plan[3 * m + 2] = rnd.nextInt(4); // 0: the whole balance, else a part
                    }
                    int removed = InTx.call(way.style, () -> {
                        int gone = 0;
                        for (int m = 0; m < moves; m++) {
                            int from = (int) plan[3 * m];
                            int to = (int) plan[3 * m + 1];
                            Long have = map.get(from);
                            if (have == null || from == to) {
                                continue;
                            }
                            long amount = plan[3 * m + 2] == 0 ? have : 1 + (have - 1) / (1 + plan[3 * m + 2]);
                            if (amount == have) {
                                map.remove(from);
                                gone++;
                            } else {
                                map.put(from, have - amount);
                            }
                            map.merge(to, amount, Long::sum);
                        }
                        tally.commits++;
                        return gone;
                    });
                    removals.addAndGet(removed);
                    ThreadKind.beFair();
                }
            } finally {
                writersLeft.decrementAndGet();
            }
        });
        w.add(readers, i -> {
            long[] lastSeen = {0};
            long n = 0;
            do {
                int kind = (int) (n++ % 3);
                boolean readOnly = (n & 4) == 0;
                if (kind == 2) {
                    // outside any transaction: the iterator walks one snapshot
                    long sum = 0;
                    for (Map.Entry<Integer, Long> e : map.entrySet()) {
                        sum += e.getValue();
                        if (e.getValue() <= 0) {
                            dirty.incrementAndGet();
                        }
                    }
                    if (sum != total) {
                        torn.incrementAndGet();
                    }
                } else {
                    InTx.Body<Void> audit = () -> {
                        attempts.incrementAndGet();
                        long sum = 0;
                        int count = 0;
                        if (kind == 0) {
                            for (Map.Entry<Integer, Long> e : map.entrySet()) {
                                sum += e.getValue();
                                count++;
                                if (e.getValue() <= 0) {
                                    dirty.incrementAndGet();
                                }
                            }
                        } else {
                            for (int k = 0; k < KEYS; k++) {
                                Long v = map.get(k);
                                if (v != null) {
                                    sum += v;
                                    count++;
                                    if (v <= 0) {
                                        dirty.incrementAndGet();
                                    }
                                }
                            }
                        }
                        if (sum != total) {
                            torn.incrementAndGet();
                        }
                        if (count != map.size()) {
                            badSize.incrementAndGet();
                        }
                        long commits = tally.commits;
                        if (commits < lastSeen[0]) {
                            stale.incrementAndGet();
                        }
                        lastSeen[0] = commits;
                        return null;
                    };
                    if (readOnly) {
                        InTx.read(way.style, audit);
                    } else {
                        InTx.call(way.style, audit);
                    }
                }
                audits.incrementAndGet();
                ThreadKind.beFair();
            } while (writersLeft.get() > 0 && !w.failed());
        });
        w.run();
        long ms = (System.nanoTime() - t0) / 1_000_000;

        assertThat(torn.get()).as("reads that saw a total other than %d", total).isZero();
        assertThat(badSize.get()).as("attempts whose entries differed in number from size()").isZero();
        assertThat(dirty.get()).as("entries seen with a value that is not positive").isZero();
        assertThat(stale.get()).as("attempts that saw fewer commits than an earlier attempt").isZero();
        assertThat(audits.get()).isPositive();
        assertThat(removals.get()).as("moves that emptied and removed a key (membership must change)").isPositive();
        long sum = 0;
        for (long v : map.values()) {
            assertThat(v).isPositive();
            sum += v;
        }
        assertThat(sum).as("total after all moves").isEqualTo(total);
        assertThat(map.size()).isEqualTo((int) map.keySet().stream().count()).isBetween(1, KEYS);
        assertThat(tally.commits).as("writer transactions counted in the @Shared field").isEqualTo((long) writers * txnsEach);
        Stress.report("property", "map-isolation", way, writers + readers, (long) writers * txnsEach + audits.get(), 0, ms,
                "audits=" + audits.get() + " auditAttempts=" + attempts.get() + " removals=" + removals.get());
    }
}
