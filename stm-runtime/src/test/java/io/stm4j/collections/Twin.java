package io.stm4j.collections;

import static org.assertj.core.api.Assertions.assertThat;

import io.stm4j.Stm;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The comparison harness of the TCK-style tests: one stm4j collection and its JDK reference,
 * every operation run on both and the outcomes compared — the value returned (after an optional
 * normalisation, e.g. to a multiset where iteration orders may differ) or the class of the
 * exception thrown. After each operation the two states are compared as well.
 *
 * <p>Where the stm4j side runs is the {@link Mode}: each call on its own (each its own
 * transaction), each operation wrapped in {@code Stm.atomic}, or, inside
 * {@link #inOneTransaction}, many operations in one transaction (the reference just runs them).
 *
 * <p>Only {@link Exception}s are outcomes: the engine's control-flow signals are {@link Error}s and
 * pass through, as do assertion failures.
 *
 * @param <T> the collection interface both sides implement
 */
final class Twin<T> {

    /** An operation on one side; it may throw anything. */
    @FunctionalInterface
    interface Op<T, R> {
        R apply(T target) throws Exception;
    }

    /** Where the stm4j side of each operation runs. */
    enum Mode {
        /** Each call on its own: outside any transaction, each call is a transaction. */
        PLAIN,
        /** Each operation (with all the calls it makes) in {@code Stm.atomic}. */
        EACH_IN_TRANSACTION,
        /** Operations grouped by the test with {@link #inOneTransaction}, many per transaction. */
        BATCHED
    }

    /** What an operation did: its normalised result, or the class of what it threw. */
    record Outcome(Object value, Class<?> thrown) {
        @Override
        public String toString() {
            return thrown != null ? "threw " + thrown.getName() : "returned " + value;
        }
    }

    final T stm;
    final T ref;
    private final Mode mode;
    private final Function<? super T, ?> state;
    private final BiConsumer<? super T, ? super T> crossCheck;
    private final Deque<String> recent = new ArrayDeque<>();
    private int steps;

    /**
     * @param stm the stm4j collection
     * @param ref the JDK reference, in the same state
     * @param mode where the stm4j side runs
     * @param state what must be equal on both sides after every operation
     * @param crossCheck further checks between the two after every operation (e.g. equals both
     *     ways); may be null
     */
    Twin(T stm, T ref, Mode mode, Function<? super T, ?> state, BiConsumer<? super T, ? super T> crossCheck) {
        this.stm = Objects.requireNonNull(stm);
        this.ref = Objects.requireNonNull(ref);
        this.mode = Objects.requireNonNull(mode);
        this.state = Objects.requireNonNull(state);
        this.crossCheck = crossCheck;
    }

    /** Runs {@code op} on both sides, compares the outcomes as they are (arrays as lists), then the states. */
    <R> Outcome same(String what, Op<? super T, R> op) {
        return same(what, op, Function.identity());
    }

    /**
     * Runs {@code op} on both sides and compares the outcomes, each result passed through
     * {@code normalize} first, then the states.
     *
     * @return the stm4j side's outcome
     */
    <R> Outcome same(String what, Op<? super T, R> op, Function<? super R, ?> normalize) {
        remember(what);
        Outcome expected = outcome(ref, op, normalize, false);
        Outcome actual = outcome(stm, op, normalize, mode == Mode.EACH_IN_TRANSACTION);
        assertThat(actual).as("%s%nstm4j %s, reference %s%nrecent operations: %s",
                what, stm.getClass().getSimpleName(), ref.getClass().getSimpleName(), recent).isEqualTo(expected);
        checkState(what);
        return actual;
    }

    /** Compares the states of the two sides (also done after every {@link #same}). */
    void checkState(String after) {
        Object expected = state.apply(ref);
        Object actual = mode == Mode.EACH_IN_TRANSACTION ? Stm.atomic(() -> state.apply(stm)) : state.apply(stm);
        assertThat(actual).as("state after %s%nrecent operations: %s", after, recent).isEqualTo(expected);
        if (crossCheck != null) {
            crossCheck.accept(stm, ref);
        }
    }

    /**
     * Runs {@code steps} with the stm4j side's calls inside one {@code Stm.atomic} (the harness's
     * comparisons inside it too). Fails if the transaction re-ran, since the reference side would
     * then have run twice: single-threaded, nothing should make it.
     */
    void inOneTransaction(Runnable steps) {
        AtomicInteger attempts = new AtomicInteger();
        Stm.atomic(() -> {
            if (attempts.incrementAndGet() > 1) {
                throw new AssertionError("a single-threaded transaction re-ran; recent operations: " + recent);
            }
            steps.run();
        });
    }

    /** How many operations ran. */
    int steps() {
        return steps;
    }

    private void remember(String what) {
        steps++;
        recent.addLast(steps + ": " + what);
        if (recent.size() > 12) {
            recent.removeFirst();
        }
    }

    private static <T, R> Outcome outcome(T target, Op<? super T, R> op, Function<? super R, ?> normalize,
            boolean inTransaction) {
        try {
            R r = inTransaction ? Stm.atomic(() -> applySneaky(op, target)) : op.apply(target);
            return new Outcome(plain(normalize.apply(r)), null);
        } catch (Exception e) {
            return new Outcome(null, e.getClass());
        }
    }

    private static <T, R> R applySneaky(Op<? super T, R> op, T target) {
        try {
            return op.apply(target);
        } catch (Exception e) {
            throw Twin.<RuntimeException>sneaky(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static <E extends Exception> E sneaky(Exception e) throws E {
        throw (E) e;
    }

    /** Arrays compare by content. */
    private static Object plain(Object o) {
        return o instanceof Object[] ? Arrays.asList((Object[]) o) : o;
    }

    // ------------------------------------------------------------------ normalisations

    /** The elements with how often each occurs: for results whose order is unspecified. */
    static Map<Object, Integer> multiset(Object elements) {
        Map<Object, Integer> counts = new HashMap<>();
        Iterable<?> items;
        if (elements instanceof Object[]) {
            items = Arrays.asList((Object[]) elements);
        } else if (elements instanceof Iterable) {
            items = (Iterable<?>) elements;
        } else if (elements instanceof Iterator) {
            @SuppressWarnings("unchecked")
            Iterator<Object> it = (Iterator<Object>) elements;
            items = () -> it;
        } else {
            throw new IllegalArgumentException("not a group of elements: " + elements);
        }
        for (Object o : items) {
            // an entry counts by its key and value (a snapshot of it, not the live entry)
            Object k = o instanceof Map.Entry ? Map.entry(((Map.Entry<?, ?>) o).getKey(), ((Map.Entry<?, ?>) o).getValue()) : o;
            counts.merge(k == null ? NULL : k, 1, Integer::sum);
        }
        return counts;
    }

    /** {@code toString} of a collection or map whose order is unspecified, as the multiset of its items' texts. */
    static Map<Object, Integer> unorderedText(String s) {
        assertThat(s).matches("(?s)[\\[{].*[]}]");
        String inner = s.substring(1, s.length() - 1);
        return multiset(inner.isEmpty() ? List.of() : Arrays.asList(inner.split(", ")));
    }

    /** A copy of a collection in iteration order. */
    static List<Object> ordered(Collection<?> c) {
        return Arrays.asList(c.toArray());
    }

    private static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };
}
