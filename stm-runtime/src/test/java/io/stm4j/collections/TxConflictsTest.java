package io.stm4j.collections;

import static org.assertj.core.api.Assertions.assertThat;

import io.stm4j.Stm;
import io.stm4j.testkit.OtherThread;
import java.util.Iterator;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Which transactions on a collection conflict, counted in attempts: in each case the body does one
 * thing, then another thread commits another, then the body ends. One attempt means the two did not
 * conflict; two mean the body was re-run, as it must be when the other commit changed what it saw.
 *
 * <p>Each body also writes a cell of its own after its first step, so that its commit must validate
 * what it read: a transaction that writes nothing commits at its snapshot without validation (it is
 * serializable there), which {@link #aBodyThatWritesNothingIsNotReRunWhateverItRead} checks.
 */
class TxConflictsTest {
    private final OtherThread other = new OtherThread();

    @AfterEach
    void close() throws InterruptedException {
        other.close();
    }

    /** @return how many attempts the body took when {@code interference} committed in its middle */
    private int attempts(Runnable first, Runnable interference) {
        return attempts(first, interference, true);
    }

    private int attempts(Runnable first, Runnable interference, boolean write) {
        AtomicInteger runs = new AtomicInteger();
        TxMap<String, Integer> own = TxMap.create();
        Stm.atomic(() -> {
            int run = runs.incrementAndGet();
            first.run();
            if (write) {
                own.put("attempt", run);
            }
            if (run == 1) {
                other.run(interference);
            }
        });
        return runs.get();
    }

    private static TxQueue<Integer> queueOf(int capacity, int n) {
        TxQueue<Integer> q = capacity == Integer.MAX_VALUE ? TxQueue.create() : TxQueue.create(capacity);
        for (int i = 0; i < n; i++) {
            q.add(i);
        }
        return q;
    }

    // ------------------------------------------------------------------ maps

    private static TxMap<String, Integer> mapOf(int n) {
        TxMap<String, Integer> m = TxMap.create();
        for (int i = 0; i < n; i++) {
            m.put("k" + i, i);
        }
        return m;
    }

    @Test
    void writesOfDifferentKeysDoNotConflict() {
        TxMap<String, Integer> m = mapOf(4);
        assertThat(attempts(() -> m.put("k0", 10), () -> m.put("k1", 11))).isEqualTo(1);
        assertThat(attempts(() -> m.put("new-a", 1), () -> m.put("new-b", 2))).as("inserts of new keys").isEqualTo(1);
        assertThat(attempts(() -> m.remove("k2"), () -> m.remove("k3"))).as("removals").isEqualTo(1);
        assertThat(m).containsEntry("k0", 10).containsEntry("k1", 11).containsKeys("new-a", "new-b")
                .doesNotContainKeys("k2", "k3").hasSize(4);
    }

    @Test
    void aReadOfAKeyConflictsWithAWriteOfThatKeyOnly() {
        TxMap<String, Integer> m = mapOf(2);
        AtomicInteger sink = new AtomicInteger();
        assertThat(attempts(() -> m.put("x", m.get("k0") + 1), () -> m.put("k1", 5))).isEqualTo(1);
        assertThat(attempts(() -> m.put("x", m.get("k0") + 1), () -> m.put("k0", 5))).isEqualTo(2);
        assertThat(m.get("x")).isEqualTo(6);
        assertThat(attempts(() -> sink.set(m.containsKey("absent") ? 1 : 0), () -> m.put("absent", 1)))
                .as("an absent key read, then inserted").isEqualTo(2);
        assertThat(sink.get()).isEqualTo(1);
    }

    @Test
    void aBodyThatWritesNothingIsNotReRunWhateverItRead() {
        TxMap<String, Integer> m = mapOf(2);
        TxQueue<Integer> q = queueOf(Integer.MAX_VALUE, 0);
        assertThat(attempts(() -> m.get("k0"), () -> m.put("k0", 5), false)).as("a read, then its key written").isEqualTo(1);
        assertThat(attempts(() -> m.size(), () -> m.put("k7", 7), false)).as("size, then an insert").isEqualTo(1);
        assertThat(attempts(q::poll, () -> q.offer(1), false)).as("an empty queue polled, then an offer").isEqualTo(1);
        assertThat(q).containsExactly(1);
    }

    @Test
    void sizeAndIterationToTheEndConflictWithAnyChangeOfMembershipButNotWithAChangedValue() {
        TxMap<String, Integer> m = mapOf(3);
        Consumer<TxMap<String, Integer>> iterate = map -> {
            for (Iterator<String> it = map.keySet().iterator(); it.hasNext(); ) {
                it.next();
            }
        };
        assertThat(attempts(() -> m.put("n", m.size()), () -> m.put("k9", 9))).as("size, then an insert").isEqualTo(2);
        assertThat(attempts(() -> m.put("n", m.size()), () -> m.put("k0", 100))).as("size, then a new value").isEqualTo(1);
        assertThat(attempts(() -> { iterate.accept(m); m.put("n", 0); }, () -> m.remove("k9"))).as("iteration, then a removal").isEqualTo(2);
        assertThat(attempts(() -> { iterate.accept(m); m.put("n", 0); }, () -> m.put("late", 1))).as("iteration, then an insert").isEqualTo(2);
    }

    // ------------------------------------------------------------------ queues

    @Test
    void theTwoEndsOfAQueueThatHoldsAnElementDoNotConflict() {
        for (int capacity : new int[] {Integer.MAX_VALUE, 3}) {
            TxQueue<Integer> q = queueOf(capacity, 1);
            assertThat(attempts(q::poll, () -> q.offer(7))).as("poll, then an offer; capacity %d", capacity).isEqualTo(1);
            assertThat(q).containsExactly(7);
            assertThat(attempts(() -> q.offer(8), q::poll)).as("offer, then a poll").isEqualTo(1);
            assertThat(q).containsExactly(8);
        }
    }

    @Test
    void anEmptyQueueSeenByAPollConflictsWithAnOffer() {
        TxQueue<Integer> q = queueOf(Integer.MAX_VALUE, 0);
        Integer[] taken = new Integer[1];
        assertThat(attempts(() -> taken[0] = q.poll(), () -> q.offer(1))).isEqualTo(2);
        assertThat(taken[0]).isEqualTo(1);
        assertThat(q).isEmpty();
    }

    @Test
    void aFullBoundedQueueSeenByAnOfferConflictsWithAPoll() {
        TxQueue<Integer> q = queueOf(2, 2);
        boolean[] offered = new boolean[1];
        assertThat(attempts(() -> offered[0] = q.offer(9), q::poll)).isEqualTo(2);
        assertThat(offered[0]).as("the re-run found room").isTrue();
        assertThat(q).containsExactly(1, 9);
    }

    @Test
    void producersAtOneEndConflictWithEachOther() {
        TxQueue<Integer> q = queueOf(Integer.MAX_VALUE, 1);
        assertThat(attempts(() -> q.offer(1), () -> q.offer(2))).isEqualTo(2);
        assertThat(q).containsExactly(0, 2, 1);
    }
}
