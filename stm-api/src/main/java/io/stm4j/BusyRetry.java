package io.stm4j;

/**
 * The store could not be used without waiting: another commit holds what this call needs. The
 * same call may simply be retried.
 *
 * <p>Reaches user code only from the explicit store API used outside a transaction; inside a
 * transaction the runtime waits briefly and retries the commit itself, without re-running the
 * body. It carries no stack trace.
 */
public class BusyRetry extends StmException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what was busy
     */
    public BusyRetry(String message) {
        super(message, null, false);
    }
}
