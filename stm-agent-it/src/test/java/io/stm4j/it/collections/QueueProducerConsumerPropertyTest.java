package io.stm4j.it.collections;

import static org.assertj.core.api.Assertions.assertThat;

import io.stm4j.collections.TxQueue;
import io.stm4j.it.collections.Way.Style;
import io.stm4j.testkit.EngineQuiescence;
import io.stm4j.testkit.Stress;
import io.stm4j.testkit.ThreadKind;
import io.stm4j.testkit.Workers;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Producers and consumers on one {@link TxQueue}, bounded (capacity 4, so that producers wait
 * while it is full and consumers while it is empty) and unbounded: every item is taken exactly
 * once, none is lost, each consumer takes each producer's items in the order they were put, and
 * the queue ends empty.
 *
 * <p>Producers alternate {@code put} and the timed {@code offer} (a long timeout: it must not
 * time out); consumers alternate {@code take} and the timed {@code poll} (likewise). Three ways
 * of calling them: inside {@code @Atomic} methods, inside {@code Stm.atomic} lambdas (where a
 * full or empty queue retries the transaction: {@code Stm.retry()}, {@code Stm.retryFor}), and
 * outside any transaction, where they block as a {@code BlockingQueue}'s do. Each on both thread
 * kinds. A lost wake-up hangs a run, and the bounded join fails it.
 */
@ExtendWith(EngineQuiescence.class)
class QueueProducerConsumerPropertyTest {
    /** How the queue is called. */
    enum Calls {
        LAMBDA(Style.LAMBDA),
        ANNOTATED(Style.ANNOTATED),
        OUTSIDE(null);

        final Style style;

        Calls(Style style) {
            this.style = style;
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final int CAPACITY = 4;
    private static final long LONG_WAIT_SECONDS = 60;

    static Stream<Arguments> cases() {
        List<Arguments> all = new ArrayList<>();
        for (ThreadKind kind : ThreadKind.available()) {
            for (Calls calls : Calls.values()) {
                for (boolean bounded : new boolean[] {true, false}) {
                    all.add(Arguments.of(kind, calls, bounded));
                }
            }
        }
        return all.stream();
    }

    private static final int INVOCATIONS = (int) cases().count();

    @ParameterizedTest(name = "kind={0} calls={1} bounded={2}")
    @MethodSource("cases")
    void everyItemIsTakenOnceAndInOrder(ThreadKind kind, Calls calls, boolean bounded) throws Exception {
        Stress.rounds(INVOCATIONS, () -> round(kind, calls, bounded));
    }

    private void round(ThreadKind kind, Calls calls, boolean bounded) throws Exception {
        int producers = Math.max(1, Stress.THREADS / 2);
        int consumers = Math.max(1, Stress.THREADS - producers);
        int each = Math.max(200, 8_000 * Stress.SCALE / producers);
        int total = producers * each;
        TxQueue<Long> queue = bounded ? TxQueue.create(CAPACITY) : TxQueue.create();
        List<List<Long>> taken = new ArrayList<>();
        for (int c = 0; c < consumers; c++) {
            taken.add(new ArrayList<>());
        }
        long t0 = System.nanoTime();
        Workers w = Workers.of(kind, "queue-producer-consumer");
        w.add(producers, p -> {
            for (int k = 0; k < each && !w.failed(); k++) {
                long item = (long) p * each + k;
                if ((k & 1) == 0) {
                    call(calls, () -> {
                        queue.put(item);
                        return true;
                    });
                } else {
                    boolean in = call(calls, () -> queue.offer(item, LONG_WAIT_SECONDS, TimeUnit.SECONDS));
                    assertThat(in).as("a timed offer that should not have timed out").isTrue();
                }
            }
        });
        w.add(consumers, i -> {
            int c = i - producers;
            int quota = total / consumers + (c < total % consumers ? 1 : 0);
            List<Long> mine = taken.get(c);
            for (int k = 0; k < quota && !w.failed(); k++) {
                Long item = (k & 1) == 0
                        ? call(calls, queue::take)
                        : call(calls, () -> queue.poll(LONG_WAIT_SECONDS, TimeUnit.SECONDS));
                assertThat(item).as("a timed poll that should not have timed out").isNotNull();
                mine.add(item);
            }
        });
        w.run();
        long ms = (System.nanoTime() - t0) / 1_000_000;

        int[] seen = new int[total];
        int outOfOrder = 0;
        for (List<Long> mine : taken) {
            long[] last = new long[producers];
            Arrays.fill(last, -1);
            for (long item : mine) {
                int id = Math.toIntExact(item);
                seen[id]++;
                int p = id / each;
                if (item <= last[p]) {
                    outOfOrder++;
                }
                last[p] = item;
            }
        }
        int duplicates = 0;
        int missing = 0;
        for (int s : seen) {
            if (s > 1) {
                duplicates++;
            }
            if (s == 0) {
                missing++;
            }
        }
        assertThat(duplicates).as("items taken more than once").isZero();
        assertThat(missing).as("items of %d never taken", total).isZero();
        assertThat(outOfOrder).as("items a consumer took before an earlier item of the same producer").isZero();
        assertThat(queue).isEmpty();
        assertThat(queue.size()).isZero();
        Stress.report("property", "queue-producer-consumer", "calls=" + calls + " bounded=" + bounded + " kind="
                + kind.name().toLowerCase(Locale.ROOT), producers + consumers, 2L * total, 0, ms, "items=" + total);
    }

    private static <T> T call(Calls calls, InTx.Body<T> body) throws Exception {
        return calls.style == null ? body.run() : InTx.call(calls.style, body);
    }
}
