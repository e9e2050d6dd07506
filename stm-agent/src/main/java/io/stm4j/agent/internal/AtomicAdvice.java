package io.stm4j.agent.internal;

import io.stm4j.internal.AtomicBridge;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import net.bytebuddy.asm.Advice;

/**
 * Inlined around the body of every {@code @Atomic} method: enter (or join) a transaction, run the
 * body, then commit — or, on a conflict, run the body again, which ByteBuddy's {@code repeatOn}
 * does in place without re-running the enter advice. The method keeps its name, its line numbers
 * and its local variables, so stack traces and debuggers point at user code.
 */
final class AtomicAdvice {
    private AtomicAdvice() {
    }

    /** Bound to {@code @Atomic.maxRetries()} of the instrumented method. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.PARAMETER)
    @interface MaxRetries {
    }

    /** Bound to {@code @Atomic.timeoutMillis()} of the instrumented method. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.PARAMETER)
    @interface TimeoutMillis {
    }

    /** Bound to {@code @Atomic.readOnly()} of the instrumented method. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.PARAMETER)
    @interface ReadOnly {
    }

    @Advice.OnMethodEnter
    static Object enter(@MaxRetries int maxRetries, @TimeoutMillis long timeoutMillis, @ReadOnly boolean readOnly) {
        return AtomicBridge.enter(maxRetries, timeoutMillis, readOnly);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, repeatOn = Advice.OnNonDefaultValue.class)
    static boolean exit(@Advice.Enter Object txn, @Advice.Thrown Throwable thrown) {
        return AtomicBridge.exit(txn, thrown);
    }
}
