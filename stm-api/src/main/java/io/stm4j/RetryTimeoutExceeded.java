package io.stm4j;

/**
 * A transaction with a time limit ({@link Atomic#timeoutMillis()}) conflicted after the limit had
 * passed since its first attempt started, or was still waiting in {@link Stm#retry()} when it
 * passed. {@link #getCause()} is the last {@link ConcurrentUpdate} or {@link BusyRetry}, or
 * {@code null} when the time ran out while blocked in {@code retry()} with no conflict seen.
 * Nothing the transaction wrote was published.
 */
public class RetryTimeoutExceeded extends StmException {
    private static final long serialVersionUID = 1L;
    private final int attempts;

    /**
     * @param message what ran out of time
     * @param attempts how many attempts ran
     * @param cause the last conflict, may be null
     */
    public RetryTimeoutExceeded(String message, int attempts, Throwable cause) {
        super(message, cause);
        this.attempts = attempts;
    }

    /** @return how many attempts ran, the first one included */
    public int getAttempts() {
        return attempts;
    }
}
