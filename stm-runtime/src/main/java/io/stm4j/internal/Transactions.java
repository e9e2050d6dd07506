package io.stm4j.internal;

import io.stm4j.spi.TransactionEngine;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The transaction engine's entry points: the {@link TransactionEngine} behind {@code io.stm4j.Stm},
 * and the explicit-options variant that {@code @Atomic} methods use.
 *
 * <p>Not API: public only for agent-generated code and stm4j's own modules.
 */
public final class Transactions implements TransactionEngine {

    static final Transactions INSTANCE = new Transactions();

    private Transactions() {
    }

    /**
     * Runs {@code body} as a transaction with the given limits, or as a nested scope of the active
     * transaction (whose limits then apply).
     *
     * @param body the body
     * @param maxRetries -1 for unlimited
     * @param timeoutMillis -1 for none
     * @param readOnly whether writes are rejected
     * @param <T> the result type
     * @return the result of the committed attempt
     */
    public static <T> T atomic(Supplier<T> body, int maxRetries, long timeoutMillis, boolean readOnly) {
        Txn t = Txn.enter(maxRetries, timeoutMillis, readOnly);
        int level = t.depth;
        while (true) {
            T result = null;
            Throwable failure = null;
            try {
                result = body.get();
            } catch (Throwable e) {
                failure = e;
            }
            if (exit(t, level, failure)) {
                return result;
            }
        }
    }

    /**
     * As {@link #atomic(Supplier, int, long, boolean)}, for a body without a result.
     *
     * @param body the body
     * @param maxRetries -1 for unlimited
     * @param timeoutMillis -1 for none
     * @param readOnly whether writes are rejected
     */
    public static void atomic(Runnable body, int maxRetries, long timeoutMillis, boolean readOnly) {
        Txn t = Txn.enter(maxRetries, timeoutMillis, readOnly);
        int level = t.depth;
        while (true) {
            Throwable failure = null;
            try {
                body.run();
            } catch (Throwable e) {
                failure = e;
            }
            if (exit(t, level, failure)) {
                return;
            }
        }
    }

    /** Ends the scope at {@code level}; if that call overflows the stack, records the lost end ({@link TxnState}). */
    private static boolean exit(Txn t, int level, Throwable failure) {
        try {
            return t.exit(level, failure);
        } catch (StackOverflowError e) {
            if (level <= 1) { // field writes only: see TxnState
                t.depth = 0;
            } else if (level < t.lostLevel) {
                t.lostLevel = level;
                t.alert = 1;
            }
            throw e;
        }
    }

    @Override
    public <T> T atomic(Supplier<T> body) {
        return atomic(body, -1, -1L, false);
    }

    @Override
    public void atomic(Runnable body) {
        atomic(body, -1, -1L, false);
    }

    @Override
    public boolean isAgentActive() {
        return AgentSupport.isActive() || AgentSupport.wovenClassesPresent();
    }

    @Override
    public boolean inTransaction() {
        return Txn.current().active();
    }

    @Override
    public void retry() {
        throw active("Stm.retry()").requestRetry();
    }

    @Override
    public void retryFor(Duration timeout) {
        long nanos;
        try {
            nanos = timeout.toNanos();
        } catch (ArithmeticException tooLong) {
            nanos = Long.MAX_VALUE;
        }
        active("Stm.retryFor").retryFor(nanos);
    }

    /**
     * Runs {@code first} in a nested scope; if it asks to retry, takes that back (undoing only its
     * scope) and runs {@code second} in another. Outside a transaction, the whole of it is one.
     */
    @Override
    public <T> T orElse(Supplier<T> first, Supplier<T> second) {
        if (!Txn.current().active()) {
            return atomic(() -> orElse(first, second), -1, -1L, false);
        }
        Txn t = Txn.enter(-1, -1L, false);
        int level = t.depth;
        T result = null;
        Throwable failure = null;
        try {
            result = first.get();
        } catch (Throwable e) {
            failure = e;
        }
        if (failure == ControlFlow.RETRY && t.abandonAlternative(level)) {
            return atomic(second, -1, -1L, false);
        }
        exit(t, level, failure);
        return result;
    }

    @Override
    public void afterCommit(Runnable hook) {
        active("Stm.afterCommit").addCommitHook(requireHook(hook));
    }

    @Override
    public void afterRollback(Runnable hook) {
        active("Stm.afterRollback").addRollbackHook(requireHook(hook));
    }

    private static Runnable requireHook(Runnable hook) {
        if (hook == null) {
            throw new NullPointerException("hook");
        }
        return hook;
    }

    private static Txn active(String what) {
        Txn t = Txn.current();
        if (!t.active()) {
            String caller = Unrewritten.annotatedCaller();
            if (caller != null) {
                throw new IllegalStateException(what + " called from " + caller + " that stm4j never rewrote, so"
                        + " no transaction is running: the stm4j agent is not active"
                        + (AgentSupport.isActive() ? " for it (was the class loaded before the agent?)" : "")
                        + " and it is not woven. To fix: " + Unrewritten.FIX);
            }
            throw new IllegalStateException(what + " called outside a transaction"
                    + " (use it inside an @Atomic method or a Stm.atomic block)");
        }
        return t;
    }
}
