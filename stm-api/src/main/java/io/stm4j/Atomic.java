package io.stm4j;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs the whole body of the annotated method as one transaction.
 *
 * <p>The stm4j agent rewrites the method so that its body runs inside the transaction engine:
 * reads of {@link Shared} fields see one consistent snapshot, writes are buffered and published
 * together when the method returns normally, and the body is re-run automatically when a
 * concurrent commit conflicts with it ({@link ConcurrentUpdate}, {@link BusyRetry}). Callers never
 * see those two exceptions.
 *
 * <p>Any exception escaping the method (checked or not) rolls back the method's writes and
 * propagates unchanged. An {@code @Atomic} method called while a transaction is already active
 * joins it: its elements are then ignored, except that an exception escaping it undoes only its own
 * writes.
 *
 * <p>Applies to static and instance methods of any visibility. It is an error to put it on an
 * abstract or native method: the agent reports the class and method.
 *
 * <p>Because the body may run more than once, it must not perform irreversible side effects
 * directly; register them with {@link Stm#afterCommit(Runnable)}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Atomic {

    /**
     * How many times the body may be re-run after a conflict; {@code -1} (the default) means
     * unlimited. When {@code maxRetries + 1} attempts have all conflicted, the call throws
     * {@link MaxRetriesExceeded}.
     *
     * @return the retry limit, or -1 for none
     */
    int maxRetries() default -1;

    /**
     * Milliseconds after the first attempt started beyond which a conflicting attempt is not
     * re-run: the call throws {@link RetryTimeoutExceeded}. {@code -1} (the default) means none.
     * A running attempt is never interrupted.
     *
     * @return the timeout in milliseconds, or -1 for none
     */
    long timeoutMillis() default -1;

    /**
     * Declares the transaction read-only: writing a {@link Shared} field or committing a store
     * value inside it throws {@link IllegalStateException}. Read-only transactions read a
     * multi-versioned snapshot: they take no locks, write no shared memory and do not abort
     * because of concurrent writers.
     *
     * @return whether the transaction is read-only
     */
    boolean readOnly() default false;
}
