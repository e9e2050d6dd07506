package io.stm4j.internal;

/**
 * What the agent's {@code @Atomic} advice calls: {@link #enter} before the method body, and
 * {@link #exit} after it, which either finishes (commit or rethrow) or asks for the body to be run
 * again. The transaction travels between the two as an {@code Object} so that generated code needs
 * no access to engine types.
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
     * @param thrown what the body threw, or null
     * @return true if the body must run again; otherwise the method returns (or this rethrows)
     */
    public static boolean exit(Object txn, Throwable thrown) {
        return !((Txn) txn).exit(thrown);
    }
}
