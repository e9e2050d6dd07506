package io.stm4j.it.collections;

import static io.stm4j.it.collections.Waiter.take;
import static org.assertj.core.api.Assertions.assertThat;

import io.stm4j.Stm;
import io.stm4j.collections.TxMap;
import io.stm4j.collections.TxQueue;
import io.stm4j.collections.TxSet;
import io.stm4j.it.collections.Way.Style;
import io.stm4j.testkit.EngineQuiescence;
import io.stm4j.testkit.Stress;
import io.stm4j.testkit.Workers;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code Stm.orElse} over two {@link TxQueue}s: a consumer that takes from whichever has an item.
 *
 * <ul>
 *   <li>When both have an item, the first alternative's queue is taken from; when only the second
 *       has one, the second's, and the first queue is left as it was (deterministic setups).</li>
 *   <li>When the first alternative retries, its writes are undone — to a map, a set, a queue it
 *       offered to, a queue it polled from, a {@code @Shared} field — and only the second's are
 *       committed, also for nested alternatives; writes made before the {@code orElse} stay.</li>
 *   <li>When both queues are empty the transaction blocks (it is parked, not spinning), and an
 *       offer to either queue wakes it with one re-run, which takes that item; so does a
 *       top-level {@code Stm.orElse} outside any transaction.</li>
 *   <li>Under concurrency, consumers taking with {@code orElse} from two queues that producers
 *       feed take every item exactly once.</li>
 * </ul>
 *
 * Each with {@code @Atomic} methods and {@code Stm.atomic} lambdas, the concurrent ones on both
 * thread kinds.
 */
@ExtendWith(EngineQuiescence.class)
class OrElsePropertyTest {
    private static final int INVOCATIONS = Way.all().size();

    private static TxQueue<Integer> queueOf(Integer... items) {
        TxQueue<Integer> q = TxQueue.create();
        for (Integer i : items) {
            q.add(i);
        }
        return q;
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Style.class)
    void theFirstAlternativeIsPreferredWhenBothHaveAnItem(Style style) throws Exception {
        TxQueue<Integer> q1 = queueOf(1, 3);
        TxQueue<Integer> q2 = queueOf(2);
        InTx.Body<Integer> either = () -> Stm.orElse(() -> take(q1), () -> take(q2));
        assertThat(InTx.call(style, either)).isEqualTo(1);
        assertThat(q1).containsExactly(3);
        assertThat(q2).containsExactly(2);
        assertThat(InTx.call(style, either)).isEqualTo(3);
        assertThat(q1).isEmpty();
        assertThat(q2).containsExactly(2);
        assertThat(InTx.call(style, either)).as("the first queue is empty: the second alternative's").isEqualTo(2);
        assertThat(q1).isEmpty();
        assertThat(q2).isEmpty();
        // top level, outside any transaction: the orElse is one transaction
        q1.add(5);
        q2.add(6);
        assertThat(Stm.orElse(() -> take(q1), () -> take(q2))).isEqualTo(5);
        assertThat(Stm.orElse(() -> take(q1), () -> take(q2))).isEqualTo(6);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Style.class)
    void theFirstAlternativesWritesAreUndoneWhenItRetries(Style style) throws Exception {
        TxMap<String, Integer> map = TxMap.create();
        map.put("keep", 0);
        TxSet<String> set = TxSet.create();
        TxQueue<String> marks = TxQueue.create();
        TxQueue<Integer> polled = queueOf(9);
        TxQueue<Integer> empty = queueOf();
        TxQueue<Integer> full = queueOf(7, 8);
        Tally tally = new Tally();
        int r = InTx.call(style, () -> {
            map.put("before", 1);
            tally.commits++;
            return Stm.orElse(() -> {
                map.put("first", 1);
                map.remove("keep");
                set.add("first");
                marks.offer("first");
                assertThat(polled.poll()).isEqualTo(9);
                tally.items += 100;
                return take(empty); // retries
            }, () -> {
                map.put("second", 2);
                set.add("second");
                tally.items += 1;
                return take(full);
            });
        });
        assertThat(r).isEqualTo(7);
        assertThat(map).as("the first alternative's put and remove undone").containsOnlyKeys("keep", "before", "second");
        assertThat(set).containsExactly("second");
        assertThat(marks).as("the first alternative's offer undone").isEmpty();
        assertThat(polled).as("the first alternative's poll undone").containsExactly(9);
        assertThat(full).containsExactly(8);
        assertThat(tally.items).isEqualTo(1);
        assertThat(tally.commits).as("the write before the orElse").isEqualTo(1);

        // nested: the first two retry after writing, the third is the one committed
        int n = InTx.call(style, () -> Stm.orElse(() -> {
            map.put("a", 1);
            tally.items += 10;
            return take(empty);
        }, () -> Stm.orElse(() -> {
            map.put("b", 1);
            set.add("b");
            assertThat(full.poll()).isEqualTo(8);
            return take(empty);
        }, () -> {
            map.put("c", 1);
            return take(full); // still holds 8: the middle alternative's poll was undone
        })));
        assertThat(n).isEqualTo(8);
        assertThat(map).containsOnlyKeys("keep", "before", "second", "c");
        assertThat(set).containsExactly("second");
        assertThat(full).isEmpty();
        assertThat(tally.items).isEqualTo(1);
    }

    static Stream<Arguments> waysAndQueues() {
        return Way.all().stream().flatMap(w -> Stream.of(Arguments.of(w, 1), Arguments.of(w, 2)));
    }

    @ParameterizedTest(name = "{0} offerTo=q{1}")
    @MethodSource("waysAndQueues")
    void bothEmptyBlocksUntilAnOfferToEither(Way way, int offerTo) throws Exception {
        TxQueue<Integer> q1 = queueOf();
        TxQueue<Integer> q2 = queueOf();
        AtomicLong attempts = new AtomicLong();
        Waiter<Integer> waiter = Waiter.start(way.kind, "or-else-waiter", () -> InTx.call(way.style, () -> {
            attempts.incrementAndGet();
            return Stm.orElse(() -> take(q1), () -> take(q2));
        }));
        waiter.awaitParked(attempts);
        long before = attempts.get();
        (offerTo == 1 ? q1 : q2).offer(40 + offerTo);
        assertThat(waiter.join()).isEqualTo(40 + offerTo);
        assertThat(attempts.get() - before).as("re-runs after the offer woke it").isEqualTo(1);
        assertThat(q1).isEmpty();
        assertThat(q2).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.stm4j.it.collections.Way#all")
    void aTopLevelOrElseBlocksOutsideATransactionToo(Way way) throws Exception {
        TxQueue<Integer> q1 = queueOf();
        TxQueue<Integer> q2 = queueOf();
        AtomicLong attempts = new AtomicLong();
        Waiter<Integer> waiter = Waiter.start(way.kind, "or-else-waiter", () -> Stm.orElse(() -> {
            attempts.incrementAndGet();
            return take(q1);
        }, () -> take(q2)));
        waiter.awaitParked(attempts);
        q2.offer(2);
        assertThat(waiter.join()).isEqualTo(2);
        assertThat(q2).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.stm4j.it.collections.Way#all")
    void consumersTakeEveryItemOfTwoQueuesOnce(Way way) throws Exception {
        Stress.rounds(INVOCATIONS, () -> consumersTakeEveryItemOfTwoQueuesOnceRound(way));
    }

    private void consumersTakeEveryItemOfTwoQueuesOnceRound(Way way) throws Exception {
        int producers = Math.max(1, Stress.THREADS / 2);
        int consumers = Math.max(1, Stress.THREADS - producers);
        int each = Math.max(200, 2_000 * Stress.SCALE / producers);
        int total = producers * each;
        TxQueue<Integer> q1 = TxQueue.create(4);
        TxQueue<Integer> q2 = TxQueue.create();
        List<List<Integer>> taken = new ArrayList<>();
        for (int c = 0; c < consumers; c++) {
            taken.add(new ArrayList<>());
        }
        long t0 = System.nanoTime();
        Workers w = Workers.of(way.kind, "or-else-consumers");
        w.add(producers, p -> {
            for (int k = 0; k < each && !w.failed(); k++) {
                int item = p * each + k;
                ((item & 1) == 0 ? q1 : q2).put(item);
            }
        });
        w.add(consumers, i -> {
            int c = i - producers;
            int quota = total / consumers + (c < total % consumers ? 1 : 0);
            for (int k = 0; k < quota && !w.failed(); k++) {
                taken.get(c).add(InTx.call(way.style, () -> Stm.orElse(() -> take(q1), () -> take(q2))));
            }
        });
        w.run();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        int[] seen = new int[total];
        for (List<Integer> mine : taken) {
            for (int item : mine) {
                seen[item]++;
            }
        }
        int wrong = 0;
        for (int s : seen) {
            if (s != 1) {
                wrong++;
            }
        }
        assertThat(wrong).as("items of %d not taken exactly once", total).isZero();
        assertThat(q1).isEmpty();
        assertThat(q2).isEmpty();
        Stress.report("property", "or-else-consumers", way, producers + consumers, 2L * total, 0, ms, "items=" + total);
    }
}
