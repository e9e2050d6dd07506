package io.stm4j.it.collections;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stm4j.collections.TxMap;
import io.stm4j.collections.TxQueue;
import io.stm4j.collections.TxSet;
import io.stm4j.it.collections.Way.Style;
import io.stm4j.testkit.EngineQuiescence;
import io.stm4j.testkit.Stress;
import io.stm4j.testkit.ThreadKind;
import io.stm4j.testkit.Workers;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Failure atomicity of {@link TxMap}, {@link TxSet} and {@link TxQueue} together: a transaction
 * that ends with an exception leaves no trace in any of them, nor in the {@code @Shared} field it
 * also wrote.
 *
 * <p>Alone: a transaction that updates several keys of a map (a change, an insert, a removal),
 * adds to and removes from a set, offers to and polls from a queue, then throws (a runtime
 * exception, a checked one, an error), from an {@code @Atomic} method and from a {@code Stm.atomic}
 * lambda, leaves all three exactly as they were.
 *
 * <p>Under concurrency: threads run such transactions, three in ten made to throw after all their
 * writes, and keep a model of what their committed ones did (the map's deltas, the elements added
 * to the set, the ids offered and the ids polled). At the end the map equals the initial one plus
 * every committed delta, the set the committed additions, the queue the committed offers less the
 * committed polls (each thread's ids in the order offered), and the {@code @Shared} counter the
 * number of committed transactions. A leaked write of a failed transaction, or a poll it undid
 * that stayed taken, breaks one of these equalities.
 */
@ExtendWith(EngineQuiescence.class)
class CollectionFailureAtomicityPropertyTest {
    private static final int INVOCATIONS = Way.all().size();
    private static final int KEYS = 16;
    private static final long INITIAL = 1_000_000;

    private static final int OK = 0;
    private static final int RUNTIME = 1;
    private static final int CHECKED = 2;
    private static final int ERROR = 3;

    @ParameterizedTest(name = "{0}")
    @EnumSource(Style.class)
    void aFailedTransactionLeavesAllThreeUnchanged(Style style) throws Exception {
        TxMap<String, Integer> map = TxMap.create();
        map.put("a", 1);
        map.put("b", 2);
        map.put("c", 3);
        TxSet<String> set = TxSet.create();
        set.add("x");
        TxQueue<Integer> queue = TxQueue.create(3);
        queue.add(10);
        queue.add(11);
        Tally tally = new Tally();
        Map<String, Integer> mapBefore = new HashMap<>(map);
        Set<String> setBefore = new HashSet<>(set);
        List<Integer> queueBefore = new ArrayList<>(queue);
        Throwable[] faults = {new IllegalStateException("injected"), new IOException("injected"), new AssertionError("injected")};
        for (Throwable fault : faults) {
            assertThatThrownBy(() -> InTx.call(style, () -> {
                map.put("a", 100);
                map.merge("b", 5, Integer::sum);
                map.remove("c");
                map.put("d", 4);
                set.add("y");
                set.remove("x");
                assertThat(queue.offer(12)).isTrue();
                assertThat(queue.poll()).isEqualTo(10);
                tally.commits++;
                assertThat(map).containsOnlyKeys("a", "b", "d");
                assertThat(queue).containsExactly(11, 12);
                throw InTx.<Exception>sneaky(fault);
            })).isSameAs(fault);
            assertThat(map).as("the map after %s", fault).isEqualTo(mapBefore).hasSize(3);
            assertThat(set).as("the set after %s", fault).isEqualTo(setBefore);
            assertThat(new ArrayList<>(queue)).as("the queue after %s", fault).isEqualTo(queueBefore);
            assertThat(queue.remainingCapacity()).isEqualTo(1);
            assertThat(tally.commits).isZero();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.stm4j.it.collections.Way#all")
    void onlyTheCommittedTransactionsShowUnderConcurrency(Way way) throws Exception {
        Stress.rounds(INVOCATIONS, () -> round(way));
    }

    private void round(Way way) throws Exception {
        int threads = Stress.THREADS;
        int opsEach = Math.max(500, 10_000 * Stress.SCALE / threads);
        TxMap<Integer, Long> map = TxMap.create();
        for (int k = 0; k < KEYS; k++) {
            map.put(k, INITIAL);
        }
        TxSet<Long> set = TxSet.create();
        TxQueue<Long> queue = TxQueue.create();
        Tally tally = new Tally();
        long[][] delta = new long[threads][KEYS];
        List<Set<Long>> added = new ArrayList<>();
        List<List<Long>> offered = new ArrayList<>();
        List<Set<Long>> polled = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            added.add(new HashSet<>());
            offered.add(new ArrayList<>());
            polled.add(new HashSet<>());
        }
        AtomicLongArray outcomes = new AtomicLongArray(4);
        long t0 = System.nanoTime();
        Workers w = Workers.of(way.kind, "collections-failure-atomicity");
        w.add(threads, i -> {
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            for (int n = 0; n < opsEach && !w.failed(); n++) {
                long id = (long) i * opsEach + n;
                int k1 = rnd.nextInt(KEYS);
                int k2 = (k1 + 1 + rnd.nextInt(KEYS - 1)) % KEYS;
                long d1 = 1 + rnd.nextInt(100);
                long d2 = -1 - rnd.nextInt(100);
                boolean poll = rnd.nextInt(3) == 0;
                int inject = rnd.nextInt(10); // 0..2: fail after all writes
                Long[] took = {null};
                int outcome = OK;
                try {
                    InTx.call(way.style, () -> {
                        took[0] = null;
                        map.merge(k1, d1, Long::sum);
                        map.merge(k2, d2, Long::sum);
                        set.add(id);
                        queue.offer(id);
                        if (poll) {
                            took[0] = queue.poll(); // never null: this transaction's own offer is there
                        }
                        tally.commits++;
                        switch (inject) {
                            case 0:
                                throw new IllegalStateException("injected after all writes");
                            case 1:
                                throw new IOException("injected checked exception");
                            case 2:
                                throw new AssertionError("injected error");
                            default:
                                return null;
                        }
                    });
                } catch (IllegalStateException e) {
                    outcome = RUNTIME;
                } catch (IOException e) {
                    outcome = CHECKED;
                } catch (AssertionError e) {
                    if (!"injected error".equals(e.getMessage())) {
                        throw e;
                    }
                    outcome = ERROR;
                }
                outcomes.incrementAndGet(outcome);
                if (outcome == OK) {
                    delta[i][k1] += d1;
                    delta[i][k2] += d2;
                    added.get(i).add(id);
                    offered.get(i).add(id);
                    if (poll) {
                        assertThat(took[0]).as("a poll after this transaction's own offer").isNotNull();
                        polled.get(i).add(took[0]);
                    }
                }
                ThreadKind.beFair();
            }
        });
        w.run();
        long ms = (System.nanoTime() - t0) / 1_000_000;

        for (int k = 0; k < KEYS; k++) {
            long expected = INITIAL;
            for (int t = 0; t < threads; t++) {
                expected += delta[t][k];
            }
            assertThat(map.get(k)).as("key %d: initial plus the committed deltas only", k).isEqualTo(expected);
        }
        assertThat(map).hasSize(KEYS);
        Set<Long> expectedSet = new HashSet<>();
        Set<Long> allPolled = new HashSet<>();
        long committed = 0;
        long polls = 0;
        for (int t = 0; t < threads; t++) {
            expectedSet.addAll(added.get(t));
            allPolled.addAll(polled.get(t));
            polls += polled.get(t).size();
            committed += offered.get(t).size();
        }
        assertThat(allPolled).as("ids polled twice").hasSize((int) polls);
        assertThat(new HashSet<>(set)).as("the set: the committed additions only").isEqualTo(expectedSet);
        List<Long> left = new ArrayList<>(queue);
        assertThat(left).as("the queue: committed offers less committed polls").hasSize((int) (committed - polls));
        for (int t = 0; t < threads; t++) {
            int thread = t;
            List<Long> mine = new ArrayList<>();
            left.stream().filter(id -> id / opsEach == thread).forEach(mine::add);
            List<Long> stillThere = new ArrayList<>(offered.get(t));
            stillThere.removeAll(allPolled);
            assertThat(mine).as("thread %d's ids left in the queue, in the order offered", t).isEqualTo(stillThere);
        }
        assertThat(tally.commits).as("committed transactions counted in the @Shared field").isEqualTo(committed);
        assertThat(allPolled).as("only committed offers were polled").isSubsetOf(expectedSet);
        for (int k = 0; k < 4; k++) {
            assertThat(outcomes.get(k)).as("transactions ending with outcome %d (the test must exercise each)", k).isPositive();
        }
        long injected = outcomes.get(RUNTIME) + outcomes.get(CHECKED) + outcomes.get(ERROR);
        Stress.report("property", "collections-failure-atomicity", way, threads, (long) threads * opsEach, injected, ms,
                "committed=" + committed + " polls=" + polls);
    }
}
