package io.stm4j.it.collections;

import static io.stm4j.it.collections.Waiter.poll;
import static io.stm4j.it.collections.Waiter.take;
import static org.assertj.core.api.Assertions.assertThat;

import io.stm4j.Stm;
import io.stm4j.collections.TxMap;
import io.stm4j.collections.TxQueue;
import io.stm4j.testkit.EngineQuiescence;
import io.stm4j.testkit.ThreadKind;
import io.stm4j.testkit.Workers;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code Stm.retryFor} and the timed {@code poll}/{@code offer} of {@link TxQueue} built on it.
 *
 * <ul>
 *   <li>A timed poll of an empty queue returns {@code null}, and a timed offer to a full bounded
 *       queue {@code false} (the queue unchanged), and not before the timeout has passed (measured
 *       with {@code System.nanoTime} around the call: a lower bound only) — inside a transaction
 *       and outside one.</li>
 *   <li>{@code Stm.retryFor} itself returns after the timeout and the body goes on to its
 *       alternative value; with {@code Duration.ZERO} at once, in one attempt; as the second
 *       alternative of an {@code orElse} whose first retries, the timed poll returns {@code null}
 *       after the timeout.</li>
 *   <li>A waiter parked in a timed poll (offer) with a long timeout returns early, with the item
 *       (with {@code true}), when another thread offers (polls); had it not been woken it would
 *       have returned {@code null} ({@code false}) after the timeout.</li>
 *   <li>The timeout runs from the first {@code retryFor} and is not restarted by the re-runs that
 *       changes to something else it read cause: a waiter woken again and again still returns.</li>
 * </ul>
 *
 * No upper bound is asserted on how soon anything returns, beyond the bounded join of every
 * thread. Each with {@code @Atomic} methods and {@code Stm.atomic} lambdas on both thread kinds.
 */
@ExtendWith(EngineQuiescence.class)
class RetryForPropertyTest {
    private static final long TIMEOUT_MS = 150;
    private static final long TIMEOUT_NS = TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS);
    /** A timeout that must not be reached: the waiter is woken long before (or the join fails first). */
    private static final long LONG_MS = 60_000;

    /** Runs {@code body} on one thread of {@code kind} and joins it, bounded. */
    private static void onThread(ThreadKind kind, Workers.Body body) throws InterruptedException {
        Workers.of(kind, "retry-for").add(1, body).run();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.stm4j.it.collections.Way#all")
    void timedCallsReturnAfterTheTimeout(Way way) throws Exception {
        onThread(way.kind, i -> {
            TxQueue<Integer> empty = TxQueue.create();
            TxQueue<Integer> full = TxQueue.create(1);
            full.add(1);

            long t0 = System.nanoTime();
            Integer got = InTx.call(way.style, () -> empty.poll(TIMEOUT_MS, TimeUnit.MILLISECONDS));
            long inTx = System.nanoTime() - t0;
            assertThat(got).isNull();
            assertThat(inTx).as("ns before a timed poll in a transaction returned").isGreaterThanOrEqualTo(TIMEOUT_NS);

            t0 = System.nanoTime();
            got = empty.poll(TIMEOUT_MS, TimeUnit.MILLISECONDS);
            long outside = System.nanoTime() - t0;
            assertThat(got).isNull();
            assertThat(outside).as("ns before a timed poll outside returned").isGreaterThanOrEqualTo(TIMEOUT_NS);

            t0 = System.nanoTime();
            boolean in = InTx.call(way.style, () -> full.offer(2, TIMEOUT_MS, TimeUnit.MILLISECONDS));
            inTx = System.nanoTime() - t0;
            assertThat(in).isFalse();
            assertThat(inTx).as("ns before a timed offer in a transaction returned").isGreaterThanOrEqualTo(TIMEOUT_NS);

            t0 = System.nanoTime();
            in = full.offer(2, TIMEOUT_MS, TimeUnit.MILLISECONDS);
            outside = System.nanoTime() - t0;
            assertThat(in).isFalse();
            assertThat(outside).as("ns before a timed offer outside returned").isGreaterThanOrEqualTo(TIMEOUT_NS);
            assertThat(full).containsExactly(1);
            assertThat(empty).isEmpty();
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.stm4j.it.collections.Way#all")
    void retryForGoesOnToTheAlternativeValue(Way way) throws Exception {
        onThread(way.kind, i -> {
            TxQueue<Integer> q1 = TxQueue.create();
            TxQueue<Integer> q2 = TxQueue.create();
            AtomicLong attempts = new AtomicLong();

            long t0 = System.nanoTime();
            int got = InTx.call(way.style, () -> {
                attempts.incrementAndGet();
                Integer v = q1.poll();
                if (v == null) {
                    Stm.retryFor(Duration.ofMillis(TIMEOUT_MS));
                    return -1;
                }
                return v;
            });
            long took = System.nanoTime() - t0;
            assertThat(got).isEqualTo(-1);
            assertThat(took).as("ns before Stm.retryFor let the body go on").isGreaterThanOrEqualTo(TIMEOUT_NS);
            assertThat(attempts.get()).as("attempts: at least the one that waited and the one that went on").isGreaterThanOrEqualTo(2);

            attempts.set(0);
            got = InTx.call(way.style, () -> {
                attempts.incrementAndGet();
                Integer v = q1.poll();
                if (v == null) {
                    Stm.retryFor(Duration.ZERO);
                    return -2;
                }
                return v;
            });
            assertThat(got).isEqualTo(-2);
            assertThat(attempts.get()).as("Duration.ZERO returns at once").isEqualTo(1);

            t0 = System.nanoTime();
            Integer alt = InTx.call(way.style, () -> Stm.orElse(() -> take(q1), () -> poll(q2, TIMEOUT_MS)));
            took = System.nanoTime() - t0;
            assertThat(alt).isNull();
            assertThat(took).as("ns before the orElse's timed alternative returned").isGreaterThanOrEqualTo(TIMEOUT_NS);
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.stm4j.it.collections.Way#all")
    void aTimedWaiterReturnsEarlyWhenAnotherThreadActs(Way way) throws Exception {
        TxQueue<Integer> q = TxQueue.create(1);
        AtomicLong attempts = new AtomicLong();
        Waiter<Integer> poller = Waiter.start(way.kind, "timed-poller", () -> InTx.call(way.style, () -> {
            attempts.incrementAndGet();
            return q.poll(LONG_MS, TimeUnit.MILLISECONDS);
        }));
        poller.awaitParked(attempts);
        q.offer(42);
        assertThat(poller.join()).as("the item offered while it waited (null: it was not woken)").isEqualTo(42);

        q.offer(1); // full
        attempts.set(0);
        Waiter<Boolean> offerer = Waiter.start(way.kind, "timed-offerer", () -> InTx.call(way.style, () -> {
            attempts.incrementAndGet();
            return q.offer(2, LONG_MS, TimeUnit.MILLISECONDS);
        }));
        offerer.awaitParked(attempts);
        assertThat(q.poll()).isEqualTo(1);
        assertThat(offerer.join()).as("room made while it waited (false: it was not woken)").isTrue();
        assertThat(q).containsExactly(2);

        // outside a transaction: the queue's own blocking
        assertThat(q.poll()).isEqualTo(2);
        AtomicLong started = new AtomicLong();
        Waiter<Integer> plain = Waiter.start(way.kind, "plain-timed-poller", () -> {
            started.incrementAndGet();
            return q.poll(LONG_MS, TimeUnit.MILLISECONDS);
        });
        plain.awaitParked(started);
        q.offer(43);
        assertThat(plain.join()).isEqualTo(43);
        assertThat(q).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.stm4j.it.collections.Way#all")
    void theTimeoutIsNotRestartedByReRuns(Way way) throws Exception {
        TxQueue<Integer> q = TxQueue.create();
        TxMap<String, Integer> noise = TxMap.create();
        noise.put("n", 0);
        AtomicLong attempts = new AtomicLong();
        long[] took = new long[1];
        Integer[] got = {7};
        AtomicBoolean done = new AtomicBoolean();
        Workers w = Workers.of(way.kind, "retry-for-noise");
        w.add(1, i -> {
            long t0 = System.nanoTime();
            try {
                got[0] = InTx.call(way.style, () -> {
                    attempts.incrementAndGet();
                    noise.get("n"); // read: every change of it wakes this transaction and re-runs it
                    return q.poll(TIMEOUT_MS, TimeUnit.MILLISECONDS);
                });
            } finally {
                took[0] = System.nanoTime() - t0;
                done.set(true);
            }
        });
        AtomicLong changes = new AtomicLong();
        w.add(1, i -> {
            while (!done.get() && !w.failed()) {
                noise.merge("n", 1, Integer::sum);
                changes.incrementAndGet();
                ThreadKind.pause();
            }
        });
        w.run();
        assertThat(got[0]).isNull();
        assertThat(took[0]).as("ns before the timed poll returned").isGreaterThanOrEqualTo(TIMEOUT_NS);
        assertThat(changes.get()).as("changes to what it read while it waited").isPositive();
        assertThat(attempts.get()).as("attempts: re-runs caused by the changes").isGreaterThanOrEqualTo(3);
        assertThat(q).isEmpty();
    }
}
