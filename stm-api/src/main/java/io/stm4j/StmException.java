package io.stm4j;

/**
 * The base of every exception stm4j throws. Unchecked.
 *
 * <p>Thrown directly when a transactional call cannot complete for a reason that is not a
 * conflict, for example when the thread is interrupted while the runtime waits on its behalf
 * (the interrupt flag is then restored and the {@link InterruptedException} is the cause).
 */
public class StmException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what went wrong
     */
    public StmException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong
     * @param cause the underlying cause
     */
    public StmException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * For control-flow subclasses: lets them skip the stack trace, which the retry path must not
     * pay for.
     *
     * @param message what went wrong
     * @param cause the underlying cause, may be null
     * @param writableStackTrace whether the stack trace is filled in
     */
    protected StmException(String message, Throwable cause, boolean writableStackTrace) {
        super(message, cause, true, writableStackTrace);
    }
}
