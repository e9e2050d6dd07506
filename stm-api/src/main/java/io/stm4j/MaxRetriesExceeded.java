package io.stm4j;

/**
 * A transaction with a retry limit ({@link Atomic#maxRetries()}) conflicted on every allowed
 * attempt: {@code maxRetries + 1} attempts ran. {@link #getCause()} is the last
 * {@link ConcurrentUpdate} or {@link BusyRetry}. Nothing the transaction wrote was published.
 */
public class MaxRetriesExceeded extends StmException {
    private static final long serialVersionUID = 1L;
    private final int attempts;

    /**
     * @param message what ran out of attempts
     * @param attempts how many attempts ran
     * @param cause the last conflict
     */
    public MaxRetriesExceeded(String message, int attempts, Throwable cause) {
        super(message, cause);
        this.attempts = attempts;
    }

    /** @return how many attempts ran, the first one included */
    public int getAttempts() {
        return attempts;
    }
}
