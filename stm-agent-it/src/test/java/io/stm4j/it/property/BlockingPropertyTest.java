package io.stm4j.it.property;

import static org.assertj.core.api.Assertions.assertThat;

import io.stm4j.it.support.Flavor;
import io.stm4j.testkit.EngineQuiescence;
import io.stm4j.testkit.Stress;
import io.stm4j.testkit.ThreadKind;
import io.stm4j.testkit.Workers;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Blocking with {@code Stm.retry()}: a transaction that retries sleeps until something it read
 * changes, and is woken by every kind of write — a transaction's commit, and a plain write outside
 * any transaction. Asserted: producers and consumers of a small bounded buffer that both wait with
 * retry deliver every item exactly once, each producer's items in order, and leave the buffer
 * empty; a waiter that is parked in retry wakes on a transactional write and on a plain write and
 * re-runs exactly once; a token passed round a ring of threads that wait with retry, alternately
 * by commits and plain writes, makes every hand-off. A lost wake-up hangs a run, and the bounded
 * join fails it.
 */
@ExtendWith(EngineQuiescence.class)
class BlockingPropertyTest {
    /** Test invocations that share this property's time under -Pstress: methods times flavors. */
    private static final int INVOCATIONS = 4 * Flavor.all().size();
    private static final int CAPACITY = 4;

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.stm4j.it.support.Flavor#all")
    void producersAndConsumersConserveItems(Flavor flavor) throws Exception {
        Stress.rounds(INVOCATIONS, () -> producersAndConsumersConserveItemsRound(flavor));
    }

    private void producersAndConsumersConserveItemsRound(Flavor flavor) throws Exception {
        int producers = Math.max(1, Stress.THREADS / 2);
        int consumers = Stress.THREADS - producers;
        int each = Math.max(200, 20_000 * Stress.SCALE / producers);
        int total = producers * each;
        Buffer buffer = Buffer.create(flavor.api, CAPACITY);
        List<List<Long>> taken = new ArrayList<>();
        for (int c = 0; c < consumers; c++) {
            taken.add(new ArrayList<>());
        }
        long t0 = System.nanoTime();
        Workers w = Workers.of(flavor.kind, "producer-consumer");
        w.add(producers, p -> {
            for (int k = 0; k < each && !w.failed(); k++) {
                buffer.put((long) p * each + k);
            }
        });
        w.add(consumers, i -> {
            int c = i - producers;
            int quota = total / consumers + (c < total % consumers ? 1 : 0);
            List<Long> mine = taken.get(c);
            for (int k = 0; k < quota && !w.failed(); k++) {
                mine.add(buffer.take());
            }
        });
        w.run();
        long ms = (System.nanoTime() - t0) / 1_000_000;

        boolean[] seen = new boolean[total];
        int duplicates = 0;
        int outOfOrder = 0;
        for (List<Long> mine : taken) {
            long[] last = new long[producers];
            java.util.Arrays.fill(last, -1);
            for (long item : mine) {
                int id = Math.toIntExact(item);
                if (seen[id]) {
                    duplicates++;
                }
                seen[id] = true;
                int p = id / each;
                if (item <= last[p]) {
                    outOfOrder++;
                }
                last[p] = item;
            }
        }
        int missing = 0;
        for (boolean s : seen) {
            if (!s) {
                missing++;
            }
        }
        assertThat(duplicates).as("items taken twice").isZero();
        assertThat(missing).as("items of %d never taken", total).isZero();
        assertThat(outOfOrder).as("items a consumer took before an earlier item of the same producer").isZero();
        assertThat(buffer.size()).isZero();
        assertThat(buffer.assertNoCellLocked()).isPositive();
        Stress.report("property", "blocking-buffer", flavor, Stress.THREADS, 2L * total, 0, ms,
                "items=" + total + " capacity=" + CAPACITY);
    }

    static Stream<Arguments> flavorsAndWrites() {
        return Flavor.all().stream().flatMap(f -> Stream.of(Arguments.of(f, true), Arguments.of(f, false)));
    }

    @ParameterizedTest(name = "{0} transactionalWrite={1}")
    @MethodSource("flavorsAndWrites")
    void aParkedWaiterWakesOnAWrite(Flavor flavor, boolean transactional) throws Exception {
        Stress.rounds(INVOCATIONS, () -> aParkedWaiterWakesOnAWriteRound(flavor, transactional));
    }

    private void aParkedWaiterWakesOnAWriteRound(Flavor flavor, boolean transactional) throws Exception {
        Signal signal = Signal.create(flavor.api);
        AtomicLong attempts = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread waiter = flavor.kind.newThread("waiter", () -> {
            try {
                signal.await(1, -1, attempts);
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        waiter.start();
        awaitParked(waiter, attempts);
        if (transactional) {
            signal.setInTransaction(1);
        } else {
            signal.setPlain(1);
        }
        waiter.join(Stress.timeout().toMillis());
        boolean stuck = waiter.isAlive();
        if (stuck) {
            waiter.interrupt();
            waiter.join(10_000);
        }
        assertThat(stuck).as("waiter still blocked after the write").isFalse();
        assertThat(failure.get()).isNull();
        assertThat(attempts.get()).as("attempts: the blocked one and the one the write woke").isEqualTo(2);
        assertThat(signal.assertNoCellLocked()).isEqualTo(1);
        Stress.report("property", "blocking-wakeup", flavor, 2, 2, 0, 0, "transactionalWrite=" + transactional);
    }

    /** Waits until {@code t} has run one attempt and is parked (WAITING) in Stm.retry(). */
    static void awaitParked(Thread t, AtomicLong attempts) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (attempts.get() < 1 || t.getState() != Thread.State.WAITING) {
            assertThat(t.isAlive()).as("waiter ended before blocking").isTrue();
            assertThat(System.nanoTime() - deadline).as("waiter never parked in Stm.retry()").isNegative();
            ThreadKind.pause();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.stm4j.it.support.Flavor#all")
    void aTokenGoesRoundARingOfWaiters(Flavor flavor) throws Exception {
        Stress.rounds(INVOCATIONS, () -> aTokenGoesRoundARingOfWaitersRound(flavor));
    }

    private void aTokenGoesRoundARingOfWaitersRound(Flavor flavor) throws Exception {
        int threads = Stress.THREADS;
        int rounds = Math.max(25, 2_000 * Stress.SCALE / threads);
        Signal token = Signal.create(flavor.api);
        AtomicLong attempts = new AtomicLong();
        long t0 = System.nanoTime();
        Workers w = Workers.of(flavor.kind, "ring");
        w.add(threads, i -> {
            for (int r = 0; r < rounds && !w.failed(); r++) {
                long mine = (long) r * threads + i;
                if ((r & 1) == 0) {
                    token.await(mine, mine + 1, attempts); // hands on by its commit
                } else {
                    token.await(mine, -1, attempts);
                    token.setPlain(mine + 1); // hands on by a plain write
                }
            }
        });
        w.run();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        long handoffs = (long) rounds * threads;
        assertThat(token.get()).as("hand-offs").isEqualTo(handoffs);
        assertThat(attempts.get()).isGreaterThanOrEqualTo(handoffs);
        assertThat(token.assertNoCellLocked()).isEqualTo(1);
        Stress.report("property", "blocking-ring", flavor, threads, handoffs + handoffs / 2, 0, ms,
                "handoffs=" + handoffs + " attempts=" + attempts.get());
    }
}
