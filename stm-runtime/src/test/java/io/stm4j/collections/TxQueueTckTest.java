package io.stm4j.collections;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stm4j.testkit.EngineQuiescence;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link TxQueue} against {@link LinkedBlockingQueue} of the same capacity: the same operations on
 * both, the results (or the exception classes) and the states compared after every one. Both are
 * FIFO, so iteration orders must agree too. Blocking calls are only made where they return at once
 * (the waiting itself is in {@code TxQueueBlockingTest}).
 */
@ExtendWith(EngineQuiescence.class)
class TxQueueTckTest {

    static final int UNBOUNDED = Integer.MAX_VALUE;

    static Object state(BlockingQueue<Integer> q) {
        return List.of(q.size(), q.isEmpty(), q.remainingCapacity(), Arrays.asList(q.toArray()), q.toString(),
                q.peek() == null ? "none" : q.peek());
    }

    static Twin<BlockingQueue<Integer>> twin(int capacity, Twin.Mode mode) {
        TxQueue<Integer> stm = capacity == UNBOUNDED ? TxQueue.create() : TxQueue.create(capacity);
        return new Twin<>(stm, new LinkedBlockingQueue<>(capacity), mode, TxQueueTckTest::state, null);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, UNBOUNDED})
    void emptyQueue(int capacity) {
        Twin<BlockingQueue<Integer>> t = twin(capacity, Twin.Mode.PLAIN);
        t.same("poll", BlockingQueue::poll);
        t.same("peek", BlockingQueue::peek);
        t.same("element", BlockingQueue::element);
        t.same("remove()", BlockingQueue::remove);
        t.same("remove(1)", q -> q.remove(1));
        t.same("contains", q -> q.contains(1));
        t.same("poll(0)", q -> q.poll(0, TimeUnit.SECONDS));
        t.same("poll(negative)", q -> q.poll(-1, TimeUnit.SECONDS));
        t.same("drainTo", q -> {
            List<Integer> to = new ArrayList<>();
            return List.of(q.drainTo(to), to);
        });
        t.same("iterator().next()", q -> q.iterator().next());
        t.same("iterator().remove()", q -> {
            q.iterator().remove();
            return null;
        });
        t.same("toArray(Integer[])", q -> q.toArray(new Integer[0]));
        t.same("equals itself", q -> q.equals(q));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, UNBOUNDED})
    void fifoUpToTheCapacity(int capacity) {
        Twin<BlockingQueue<Integer>> t = twin(capacity, Twin.Mode.PLAIN);
        for (int i = 0; i < 5; i++) {
            int e = i;
            t.same("offer(" + e + ")", q -> q.offer(e));
        }
        t.same("offer(0 s) when full or not", q -> q.offer(9, 0, TimeUnit.SECONDS));
        t.same("add when full or not", q -> q.add(10));
        t.same("peek", BlockingQueue::peek);
        t.same("element", BlockingQueue::element);
        t.same("contains(0)", q -> q.contains(0));
        t.same("contains(99)", q -> q.contains(99));
        t.same("poll", BlockingQueue::poll);
        t.same("remove()", BlockingQueue::remove);
        t.same("take (an element is there, or not and it would block: not called)", q -> q.isEmpty() ? null : q.take());
        t.same("put where there is room", q -> {
            if (q.remainingCapacity() > 0) {
                q.put(11);
            }
            return null;
        });
        addAll(t, List.of(20, 21, 22));
        t.same("poll(0)", q -> q.poll(0, TimeUnit.SECONDS));
    }

    @ParameterizedTest
    @ValueSource(ints = {4, UNBOUNDED})
    void removalsInTheMiddle(int capacity) {
        Twin<BlockingQueue<Integer>> t = twin(capacity, Twin.Mode.PLAIN);
        t.same("fill", q -> {
            q.addAll(List.of(1, 2, 3, 2));
            return null;
        });
        t.same("remove(2): the first one", q -> q.remove(2));
        t.same("remove(absent)", q -> q.remove(9));
        t.same("remove(another type)", q -> ((BlockingQueue<?>) q).remove("1"));
        t.same("remove the tail", q -> q.remove(2));
        t.same("offer after removing the tail", q -> q.offer(5));
        t.same("removeIf", q -> q.removeIf(e -> e == 1));
        t.same("removeAll", q -> q.removeAll(List.of(3)));
        t.same("refill", q -> q.addAll(List.of(6, 7)));
        t.same("retainAll", q -> q.retainAll(List.of(5, 7)));
        t.same("iterator remove of the first", q -> {
            Iterator<Integer> it = q.iterator();
            Integer first = it.next();
            it.remove();
            return first;
        });
        t.same("iterator remove twice", q -> {
            Iterator<Integer> it = q.iterator();
            it.next();
            it.remove();
            it.remove();
            return null;
        });
        t.same("offer into the emptied queue", q -> q.offer(8));
        t.same("clear", q -> {
            q.clear();
            return null;
        });
        t.same("offer after clear", q -> q.offer(9));
    }

    @ParameterizedTest
    @ValueSource(ints = {3, UNBOUNDED})
    void drainTo(int capacity) {
        Twin<BlockingQueue<Integer>> t = twin(capacity, Twin.Mode.PLAIN);
        t.same("fill", q -> q.addAll(List.of(1, 2, 3)));
        t.same("drainTo(max 2)", q -> {
            List<Integer> to = new ArrayList<>(List.of(0));
            return List.of(q.drainTo(to, 2), to);
        });
        t.same("drainTo(max 0)", q -> q.drainTo(new ArrayList<>(), 0));
        t.same("drainTo(max -1)", q -> q.drainTo(new ArrayList<>(), -1));
        t.same("drainTo(itself)", q -> q.drainTo(q));
        t.same("drainTo(null)", q -> q.drainTo(null));
        t.same("drainTo(all)", q -> {
            List<Integer> to = new ArrayList<>();
            return List.of(q.drainTo(to), to);
        });
    }

    static Stream<Arguments> badArguments() {
        return Stream.of(
                op("offer(null)", q -> q.offer(null)),
                op("add(null)", q -> q.add(null)),
                op("put(null)", q -> {
                    q.put(null);
                    return null;
                }),
                op("offer(null, timeout)", q -> q.offer(null, 1, TimeUnit.SECONDS)),
                op("addAll(null)", q -> q.addAll(null)),
                op("addAll(itself)", q -> q.addAll(q)),
                op("contains(null)", q -> q.contains(null)),
                op("remove(null)", q -> q.remove(null)),
                op("removeIf(null)", q -> q.removeIf(null)),
                op("removeAll(null)", q -> q.removeAll(null)),
                op("retainAll(null)", q -> q.retainAll(null)),
                op("toArray(null)", q -> q.toArray((Integer[]) null)),
                op("forEach(null)", q -> {
                    q.forEach(null);
                    return null;
                }),
                op("drainTo(to, max) with to null", q -> q.drainTo(null, 1)))
                .map(Arguments::of);
    }

    private static Object[] op(String name, Twin.Op<BlockingQueue<Integer>, Object> op) {
        return new Object[] {name, op};
    }

    /** (addAll of a collection holding a null differs on purpose: TxQueue adds nothing, see TxCollectionsTest.) */
    @ParameterizedTest(name = "{0}")
    @MethodSource("badArguments")
    void badArgumentsAreRejectedAsTheReferenceRejectsThem(String name, Twin.Op<BlockingQueue<Integer>, Object> op) {
        Twin<BlockingQueue<Integer>> t = twin(5, Twin.Mode.PLAIN);
        t.same("fill", q -> q.addAll(List.of(1, 2)));
        t.same(name, op);
    }

    @Test
    void aCapacityBelowOneIsRejectedAsTheReferenceRejectsIt() {
        for (int capacity : new int[] {0, -1, Integer.MIN_VALUE}) {
            Twin.Outcome expected = outcome(() -> new LinkedBlockingQueue<Integer>(capacity));
            Twin.Outcome actual = outcome(() -> TxQueue.create(capacity));
            assertThat(actual).as("capacity %d", capacity).isEqualTo(expected);
        }
    }

    private static Twin.Outcome outcome(Runnable r) {
        try {
            r.run();
            return new Twin.Outcome(null, null);
        } catch (RuntimeException e) {
            return new Twin.Outcome(null, e.getClass());
        }
    }

    static Stream<Arguments> randomRuns() {
        return Stream.of(Twin.Mode.values()).flatMap(mode -> IntStream.of(1, 3, 8, UNBOUNDED)
                .mapToObj(capacity -> Arguments.of(mode, capacity)));
    }

    @ParameterizedTest(name = "{0}, capacity {1}")
    @MethodSource("randomRuns")
    void randomOperationSequences(Twin.Mode mode, int capacity) {
        Twin<BlockingQueue<Integer>> t = twin(capacity, mode);
        Random rnd = new Random(capacity * 31L + mode.ordinal());
        int[] next = {0};
        int ops = 2000;
        if (mode == Twin.Mode.BATCHED) {
            while (t.steps() < ops) {
                t.inOneTransaction(() -> {
                    for (int i = 0; i < 30; i++) {
                        randomStep(t, rnd, next);
                    }
                });
                t.checkState("the batch's commit");
            }
        } else {
            while (t.steps() < ops) {
                randomStep(t, rnd, next);
            }
        }
    }

    private static void randomStep(Twin<BlockingQueue<Integer>> t, Random rnd, int[] next) {
        int e = next[0]++ % 50;
        int old = rnd.nextInt(50);
        switch (rnd.nextInt(14)) {
            case 0:
            case 1:
            case 2:
            case 3:
                t.same("offer(" + e + ")", q -> q.offer(e));
                break;
            case 4:
                t.same("add(" + e + ")", q -> q.add(e));
                break;
            case 5:
            case 6:
            case 7:
                t.same("poll", BlockingQueue::poll);
                break;
            case 8:
                t.same("remove()", BlockingQueue::remove);
                break;
            case 9:
                t.same("remove(" + old + ")", q -> q.remove(old));
                break;
            case 10:
                t.same("iterator remove of multiples of " + (old % 4 + 2), q -> {
                    int n = 0;
                    for (Iterator<Integer> it = q.iterator(); it.hasNext(); ) {
                        if (it.next() % (old % 4 + 2) == 0) {
                            it.remove();
                            n++;
                        }
                    }
                    return n;
                });
                break;
            case 11:
                t.same("drainTo(max " + (old % 3) + ")", q -> {
                    List<Integer> to = new ArrayList<>();
                    return List.of(q.drainTo(to, old % 3), to);
                });
                break;
            case 12:
                t.same("contains(" + old + ")", q -> q.contains(old));
                break;
            default:
                addAll(t, List.of(e, old));
        }
    }

    /**
     * {@code addAll} on both sides where it fits; where it does not, the one documented difference:
     * both throw {@link IllegalStateException}, but the TxQueue adds none of the elements (one
     * transaction) where {@link LinkedBlockingQueue} keeps those that fitted. Then only the stm4j
     * side runs, and its state must not have changed.
     */
    private static void addAll(Twin<BlockingQueue<Integer>> t, List<Integer> elements) {
        if (t.ref.remainingCapacity() >= elements.size()) {
            t.same("addAll(" + elements + ")", q -> q.addAll(elements));
            return;
        }
        Object before = state(t.stm);
        assertThatThrownBy(() -> t.stm.addAll(elements)).isInstanceOf(IllegalStateException.class)
                .hasMessage("Queue full");
        assertThat(state(t.stm)).as("addAll(%s) past the capacity added nothing", elements).isEqualTo(before);
        assertThatThrownBy(() -> t.ref.addAll(elements)).isInstanceOf(IllegalStateException.class);
        t.ref.clear();
        t.ref.addAll(t.stm);
    }
}
