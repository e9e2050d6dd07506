package io.stm4j;

import io.stm4j.spi.StmProvider;
import io.stm4j.spi.TransactionEngine;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Atomic blocks without annotations, and the operations available inside any transaction.
 *
 * <pre>{@code
 * long total = Stm.atomic(() -> a.get() + b.get());
 * Stm.atomic(() -> { from.withdraw(10); to.deposit(10); });
 * }</pre>
 *
 * <p>A block runs as if it were an {@link Atomic} method with default elements: unlimited retries,
 * no timeout, read-write. Blocks nest: an inner block joins the outer transaction.
 */
public final class Stm {

    private static final TransactionEngine ENGINE = StmProvider.current().engine();

    private Stm() {
    }

    /**
     * Runs {@code body} as one transaction and returns its result. The body may run more than once.
     *
     * @param body the transaction body
     * @param <T> the result type
     * @return what the successful attempt returned
     * @throws NullPointerException if {@code body} is null
     */
    public static <T> T atomic(Supplier<T> body) {
        Objects.requireNonNull(body, "body");
        return ENGINE.atomic(body);
    }

    /**
     * Runs {@code body} as one transaction. The body may run more than once.
     *
     * @param body the transaction body
     * @throws NullPointerException if {@code body} is null
     */
    public static void atomic(Runnable body) {
        Objects.requireNonNull(body, "body");
        ENGINE.atomic(body);
    }

    /**
     * Whether the stm4j agent is active in this JVM, so that {@code @Shared} fields and
     * {@code @Atomic} methods are transactional. Without it they are plain fields and plain
     * methods: applications, frameworks and tests that rely on them should ask this at start-up
     * and refuse to run without it (as {@code io.stm4j.guice.StmModule} does). The explicit
     * {@link Store} API and {@link #atomic(Supplier)} are transactional either way.
     *
     * @return whether the agent is active (attached with {@code -javaagent} or by
     *     {@code io.stm4j.agent.StmAgent.install()})
     */
    public static boolean isAgentActive() {
        return ENGINE.isAgentActive();
    }

    /** @return whether the current thread is inside a transaction */
    public static boolean inTransaction() {
        return ENGINE.inTransaction();
    }

    /**
     * Abandons this attempt and re-runs the transaction once some value it read has changed, by a
     * transaction or by a plain write outside one. The thread blocks meanwhile; it does not spin.
     * Does not return normally.
     *
     * @throws IllegalStateException outside a transaction
     * @throws StmException if the thread is interrupted while blocked (the flag is restored)
     */
    public static void retry() {
        ENGINE.retry();
    }

    /**
     * Like {@link #retry()}, but gives up waiting after {@code timeout}: if nothing this
     * transaction read has changed once {@code timeout} has passed since the first
     * {@code retryFor} call of this transaction, the call returns normally and the body goes on
     * (ScalaSTM's {@code retryFor}). The time runs from the first {@code retryFor} call of this
     * {@code atomic} call or {@code @Atomic} invocation and is not restarted when the body is
     * re-run, so a body that calls it on every attempt waits about {@code timeout} in all.
     * {@link Duration#ZERO} returns at once. Inside {@link #orElse(Supplier, Supplier)}, a
     * {@code retryFor} that has not timed out counts as a retry of that alternative. Because the
     * clock is the transaction's, put the {@code retryFor} in the last alternative: once it has run
     * out, a {@code retryFor} in the first alternative returns at once on every re-run, and that
     * alternative goes on (with nothing) even when the second one now has something.
     *
     * <pre>{@code
     * Order next = Stm.atomic(() -> {
     *     Order o = orders.poll();
     *     if (o == null) {
     *         Stm.retryFor(Duration.ofSeconds(1)); // returns after a second with nothing new
     *     }
     *     return o;                                // null if it timed out
     * });
     * }</pre>
     *
     * @param timeout how long to wait, at most, for something read to change
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is negative
     * @throws IllegalStateException outside a transaction
     * @throws StmException if the thread is interrupted while blocked (the flag is restored)
     */
    public static void retryFor(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative, was " + timeout);
        }
        ENGINE.retryFor(timeout);
    }

    /**
     * Alternatives (Haskell's {@code orElse}, ScalaSTM's {@code orAtomic}): runs {@code first};
     * if it calls {@link #retry()} (or a {@link #retryFor(Duration)} that has not timed out),
     * undoes only {@code first}'s writes and runs {@code second}; if {@code second} retries too,
     * the whole transaction blocks until something read by either has changed, then runs again.
     * Joins an enclosing transaction, or runs as one of its own, like {@link #atomic(Supplier)};
     * alternatives compose by nesting ({@code orElse(a, () -> orElse(b, c))}). An exception
     * escaping either alternative propagates (undoing that alternative's writes, as a nested
     * block's).
     *
     * <pre>{@code
     * // whichever queue has a job, urgent first; blocks while both are empty
     * Job job = Stm.orElse(() -> next(urgent), () -> next(normal));
     *
     * static Job next(Queue<Job> q) {
     *     Job j = q.poll();
     *     if (j == null) {
     *         Stm.retry();
     *     }
     *     return j;
     * }
     * }</pre>
     *
     * @param first tried first
     * @param second tried if {@code first} retries
     * @param <T> the result type
     * @return what the alternative that did not retry returned
     * @throws NullPointerException if {@code first} or {@code second} is null
     */
    public static <T> T orElse(Supplier<T> first, Supplier<T> second) {
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(second, "second");
        return ENGINE.orElse(first, second);
    }

    /**
     * As {@link #orElse(Supplier, Supplier)}, for alternatives without a result.
     *
     * @param first tried first
     * @param second tried if {@code first} retries
     * @throws NullPointerException if {@code first} or {@code second} is null
     */
    public static void orElse(Runnable first, Runnable second) {
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(second, "second");
        ENGINE.orElse(() -> {
            first.run();
            return null;
        }, () -> {
            second.run();
            return null;
        });
    }

    /**
     * Runs {@code hook} exactly once after the outermost transaction commits. If the transaction
     * rolls back instead, the hook is dropped. A hook that throws does not undo the commit: the
     * other hooks still run, and the first exception reaches the caller of the transaction.
     *
     * @param hook what to run
     * @throws IllegalStateException outside a transaction
     * @throws NullPointerException if {@code hook} is null
     */
    public static void afterCommit(Runnable hook) {
        Objects.requireNonNull(hook, "hook");
        ENGINE.afterCommit(hook);
    }

    /**
     * Runs {@code hook} exactly once after the attempt that registered it rolls back, whether by
     * a conflict or by an exception. If that attempt commits, the hook is dropped.
     *
     * @param hook what to run
     * @throws IllegalStateException outside a transaction
     * @throws NullPointerException if {@code hook} is null
     */
    public static void afterRollback(Runnable hook) {
        Objects.requireNonNull(hook, "hook");
        ENGINE.afterRollback(hook);
    }
}
