package io.stm4j.collections;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stm4j.Stm;
import io.stm4j.testkit.EngineQuiescence;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.function.Executable;

/**
 * What the contract promises of the collections beyond {@code java.util}'s: the messages of
 * rejected {@code null}s, bulk operations that are all or nothing, changes rolled back with the
 * transaction, serialization, and a queue that blocks (not spins) outside a transaction.
 */
@ExtendWith(EngineQuiescence.class)
class TxCollectionsTest {

    private static void npe(String argument, Executable call) {
        assertThatThrownBy(call::execute).isInstanceOf(NullPointerException.class).hasMessage(argument);
    }

    @Test
    void nullsAreRejectedWithTheArgumentNamedReadsToo() {
        TxMap<String, Integer> m = TxMap.create();
        m.put("a", 1);
        npe("key", () -> m.put(null, 1));
        npe("value", () -> m.put("a", null));
        npe("key", () -> m.get(null));
        npe("key", () -> m.containsKey(null));
        npe("value", () -> m.containsValue(null));
        npe("key", () -> m.remove(null));
        npe("key", () -> m.getOrDefault(null, 1));
        npe("value", () -> m.putIfAbsent("b", null));
        npe("value", () -> m.replace("a", null));
        npe("value", () -> m.merge("a", null, Integer::sum));
        npe("key", () -> m.compute(null, (k, v) -> 1));
        npe("key", () -> m.computeIfAbsent(null, k -> 1));
        npe("key", () -> m.merge(null, 1, Integer::sum));
        assertThat(m).containsExactly(Map.entry("a", 1));
    }

    @Test
    void setAndQueueNameTheElement() {
        TxSet<String> s = TxSet.create();
        npe("element", () -> s.add(null));
        npe("element", () -> s.contains(null));
        npe("element", () -> s.remove(null));
        TxQueue<String> q = TxQueue.create(2);
        npe("element", () -> q.offer(null));
        npe("element", () -> q.add(null));
        npe("element", () -> q.put(null));
        npe("element", () -> q.offer(null, 1, TimeUnit.SECONDS));
        npe("unit", () -> q.poll(1, null));
        assertThatThrownBy(() -> TxQueue.create(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("capacity").hasMessageContaining("0");
    }

    @Test
    void bulkAdditionsWithANullInsideWriteNothingInsideATransactionOrNot() {
        TxMap<String, Integer> m = TxMap.create();
        TxSet<String> s = TxSet.create();
        TxQueue<String> q = TxQueue.create();
        Map<String, Integer> withNullValue = new HashMap<>();
        withNullValue.put("a", 1);
        withNullValue.put("b", null);
        List<String> withNull = Arrays.asList("a", null);
        npe("value", () -> m.putAll(withNullValue));
        npe("element", () -> s.addAll(withNull));
        npe("element", () -> q.addAll(withNull));
        Stm.atomic(() -> {
            m.put("kept", 0);
            assertThatThrownBy(() -> m.putAll(withNullValue)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> s.addAll(withNull)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> q.addAll(withNull)).isInstanceOf(NullPointerException.class);
        });
        assertThat(m).containsOnlyKeys("kept");
        assertThat(s).isEmpty();
        assertThat(q).isEmpty();
    }

    @Test
    void aBoundedQueuesAddAllThatDoesNotFitAddsNothingEvenWhenCaughtInsideATransaction() {
        TxQueue<Integer> q = TxQueue.create(3);
        q.add(1);
        assertThatThrownBy(() -> q.addAll(List.of(2, 3, 4))).isInstanceOf(IllegalStateException.class)
                .hasMessage("Queue full");
        assertThat(q).containsExactly(1);
        Stm.atomic(() -> {
            q.add(2);
            assertThatThrownBy(() -> q.addAll(List.of(3, 4))).isInstanceOf(IllegalStateException.class);
            assertThat(q).containsExactly(1, 2);
        });
        assertThat(q).containsExactly(1, 2);
    }

    @Test
    void anExceptionRollsBackMapSetAndQueueWithTheTransaction() {
        TxMap<String, Integer> m = TxMap.create();
        TxSet<String> s = TxSet.create();
        TxQueue<String> q = TxQueue.create(4);
        m.put("a", 1);
        s.add("x");
        q.add("first");
        assertThatThrownBy(() -> Stm.atomic(() -> {
            m.put("a", 2);
            m.put("b", 3);
            m.entrySet().iterator().next().setValue(9);
            s.remove("x");
            s.add("y");
            q.poll();
            q.add("second");
            throw new IllegalStateException("boom");
        })).isInstanceOf(IllegalStateException.class).hasMessage("boom");
        assertThat(m).containsExactly(Map.entry("a", 1));
        assertThat(s).containsExactly("x");
        assertThat(q).containsExactly("first");
        assertThat(q.remainingCapacity()).isEqualTo(3);
    }

    @Test
    void aNestedScopeThatThrowsIsUndoneAloneWhenTheCallerCatches() {
        TxMap<String, Integer> m = TxMap.create();
        Stm.atomic(() -> {
            m.put("outer", 1);
            assertThatThrownBy(() -> Stm.atomic(() -> {
                m.put("inner", 2);
                m.remove("outer");
                throw new IllegalArgumentException("inner fails");
            })).hasMessage("inner fails");
            assertThat(m).containsOnlyKeys("outer");
        });
        assertThat(m).containsExactly(Map.entry("outer", 1));
    }

    @SuppressWarnings("unchecked")
    private static <T> T roundTrip(T o) throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (T) in.readObject();
        }
    }

    @Test
    void serializationKeepsTheContentsInANewIndependentCollection() throws Exception {
        TxMap<String, Integer> m = TxMap.create();
        for (int i = 0; i < 50; i++) {
            m.put("k" + i, i);
        }
        m.remove("k7");
        TxMap<String, Integer> m2 = roundTrip(m);
        assertThat(m2).isEqualTo(m).hasSize(49).isNotSameAs(m);
        m2.put("only-in-copy", 1);
        assertThat(m).doesNotContainKey("only-in-copy");
        assertThat(m2.keySet().iterator().hasNext()).isTrue();

        TxSet<String> s = TxSet.create();
        s.addAll(List.of("a", "b"));
        TxSet<String> s2 = roundTrip(s);
        assertThat(s2).isEqualTo(s);
        s2.remove("a");
        assertThat(s).contains("a");

        TxQueue<String> q = TxQueue.create(3);
        q.addAll(List.of("x", "y"));
        q.poll();
        TxQueue<String> q2 = roundTrip(q);
        assertThat(q2).containsExactly("y");
        assertThat(q2.remainingCapacity()).as("the capacity survives").isEqualTo(2);
        assertThat(q2.offer("z")).isTrue();
        assertThat(q2.offer("w")).isTrue();
        assertThat(q2.offer("v")).isFalse();
        assertThat(q).containsExactly("y");
        TxQueue<String> unbounded = roundTrip(TxQueue.<String>create());
        assertThat(unbounded.remainingCapacity()).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void serializingInsideATransactionWritesItsSnapshot() throws Exception {
        TxMap<String, Integer> m = TxMap.create();
        m.put("a", 1);
        TxMap<String, Integer> copy = Stm.atomic(() -> {
            m.put("b", 2);
            try {
                return roundTrip(m);
            } catch (IOException | ClassNotFoundException e) {
                throw new AssertionError(e);
            }
        });
        assertThat(copy).containsOnlyKeys("a", "b");
    }

    /** Waits until {@code t} is parked (not spinning), bounded by the test's timeout. */
    private static void awaitWaiting(Thread t) {
        while (t.getState() != Thread.State.WAITING && t.getState() != Thread.State.TIMED_WAITING) {
            assertThat(t.isAlive()).as("%s still waiting", t.getName()).isTrue();
            Thread.onSpinWait();
        }
    }

    @Test
    @Timeout(20)
    void takeOnAnEmptyQueueOutsideATransactionParksUntilAnOffer() throws Exception {
        TxQueue<String> q = TxQueue.create();
        CompletableFuture<String> taken = new CompletableFuture<>();
        Thread consumer = new Thread(() -> {
            try {
                taken.complete(q.take());
            } catch (Throwable e) {
                taken.completeExceptionally(e);
            }
        }, "consumer");
        consumer.start();
        awaitWaiting(consumer);
        assertThat(consumer.getState()).isEqualTo(Thread.State.WAITING);
        q.offer("item");
        assertThat(taken.get(10, TimeUnit.SECONDS)).isEqualTo("item");
        consumer.join(10_000);
        assertThat(consumer.isAlive()).isFalse();
        assertThat(q).isEmpty();
    }

    @Test
    @Timeout(20)
    void putOnAFullQueueOutsideATransactionParksUntilAPoll() throws Exception {
        TxQueue<String> q = TxQueue.create(1);
        q.add("first");
        CompletableFuture<Void> put = new CompletableFuture<>();
        Thread producer = new Thread(() -> {
            try {
                q.put("second");
                put.complete(null);
            } catch (Throwable e) {
                put.completeExceptionally(e);
            }
        }, "producer");
        producer.start();
        awaitWaiting(producer);
        assertThat(q.poll()).isEqualTo("first");
        put.get(10, TimeUnit.SECONDS);
        producer.join(10_000);
        assertThat(q).containsExactly("second");
    }

    @Test
    @Timeout(20)
    void anInterruptedTakeThrowsInterruptedExceptionWithTheFlagCleared() throws Exception {
        TxQueue<String> q = TxQueue.create();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicReference<Boolean> flagAfter = new AtomicReference<>();
        Thread consumer = new Thread(() -> {
            try {
                q.take();
            } catch (Throwable e) {
                thrown.set(e);
                flagAfter.set(Thread.currentThread().isInterrupted());
            }
        }, "consumer");
        consumer.start();
        awaitWaiting(consumer);
        consumer.interrupt();
        consumer.join(10_000);
        assertThat(consumer.isAlive()).isFalse();
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
        assertThat(flagAfter.get()).as("interrupt flag after the InterruptedException").isFalse();
        assertThat(q.offer("after")).isTrue();
        assertThat(q).containsExactly("after");

        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> q.poll(1, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
        assertThat(Thread.interrupted()).as("flag cleared by the throw").isFalse();
    }

    @Test
    @Timeout(20)
    void timedPollReturnsNullOnTimeAndTheItemWhenOneArrives() throws Exception {
        TxQueue<String> q = TxQueue.create();
        long start = System.nanoTime();
        assertThat(q.poll(50, TimeUnit.MILLISECONDS)).isNull();
        assertThat(System.nanoTime() - start).as("waited at least the timeout").isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(50));
        TxQueue<String> full = TxQueue.create(1);
        full.add("x");
        assertThat(full.offer("y", 20, TimeUnit.MILLISECONDS)).isFalse();
        assertThat(full).containsExactly("x");
        Thread producer = new Thread(() -> q.offer("late"), "producer");
        CompletableFuture<String> polled = CompletableFuture.supplyAsync(() -> {
            try {
                return q.poll(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        producer.start();
        assertThat(polled.get(20, TimeUnit.SECONDS)).isEqualTo("late");
        producer.join(10_000);
    }
}
