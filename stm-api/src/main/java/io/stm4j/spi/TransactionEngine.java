package io.stm4j.spi;

import java.util.function.Supplier;

/**
 * The engine that runs transactions, behind the static facade {@link io.stm4j.Stm}. Each method
 * has exactly the semantics of the {@code Stm} method of the same name.
 */
public interface TransactionEngine {

    /**
     * @param body the body
     * @param <T> the result type
     * @return the result of the committed attempt
     */
    <T> T atomic(Supplier<T> body);

    /** @param body the body */
    void atomic(Runnable body);

    /** @return whether the current thread is in a transaction */
    boolean inTransaction();

    /** Block-and-retry. */
    void retry();

    /** @param hook run after the outermost commit */
    void afterCommit(Runnable hook);

    /** @param hook run after this attempt rolls back */
    void afterRollback(Runnable hook);

    /**
     * @return whether {@code @Shared} fields and {@code @Atomic} methods are transactional in this
     *     JVM (the stm4j agent is active); an engine without an agent returns false
     */
    default boolean isAgentActive() {
        return false;
    }

    /**
     * Alternatives; the arguments are not null (the facade checks them).
     *
     * @param first tried first
     * @param second tried if {@code first} retries
     * @param <T> the result type
     * @return what the alternative that did not retry returned
     */
    default <T> T orElse(Supplier<T> first, Supplier<T> second) {
        throw new UnsupportedOperationException(getClass().getName() + " does not support Stm.orElse");
    }

    /**
     * Block-and-retry with a timeout; the argument is not null and not negative (the facade
     * checks it).
     *
     * @param timeout how long to wait for a change, from the first call in this transaction
     */
    default void retryFor(java.time.Duration timeout) {
        throw new UnsupportedOperationException(getClass().getName() + " does not support Stm.retryFor");
    }
}
