package io.stm4j;

import io.stm4j.spi.StmProvider;
import io.stm4j.spi.TransactionEngine;
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
