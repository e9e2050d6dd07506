package io.stm4j.internal;

/**
 * What the agent's {@code @Atomic} advice calls: {@link #enter} before the method body, and
 * {@link #exit} after it, which either finishes (commit or rethrow) or asks for the body to be run
 * again. The transaction travels between the two as an {@code Object}, with the scope's level
 * read from {@link TxnState#depth}; if the exit call itself overflows the stack, generated code
 * records the lost scope in {@link TxnState} with field writes only.
 *
 * <p>Not API: public for agent-generated code.
 */
public final class AtomicBridge {
    private AtomicBridge() {
    }

    /**
     * @param maxRetries {@code @Atomic.maxRetries}
     * @param timeoutMillis {@code @Atomic.timeoutMillis}
     * @param readOnly {@code @Atomic.readOnly}
     * @return the transaction, to pass to {@link #exit}
     */
    public static Object enter(int maxRetries, long timeoutMillis, boolean readOnly) {
        return Txn.enter(maxRetries, timeoutMillis, readOnly);
    }

    /**
     * @param txn what {@link #enter} returned
     * @param level the scope's level: {@code ((TxnState) txn).depth} right after {@link #enter}
     * @param thrown what the body threw, or null
     * @return true if the body must run again; otherwise the method returns (or this rethrows)
     */
    public static boolean exit(Object txn, int level, Throwable thrown) {
        return !((Txn) txn).exit(level, thrown);
    }
}
