package io.stm4j.agent.internal;

import io.stm4j.internal.AtomicBridge;
import io.stm4j.internal.TxnState;
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
    static Object enter(@MaxRetries int maxRetries, @TimeoutMillis long timeoutMillis, @ReadOnly boolean readOnly,
            @Advice.Local("stm$level") int level) {
        Object txn = AtomicBridge.enter(maxRetries, timeoutMillis, readOnly);
        level = ((TxnState) txn).depth; // the scope's level, read without a call
        return txn;
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, repeatOn = Advice.OnNonDefaultValue.class)
    static boolean exit(@Advice.Enter Object txn, @Advice.Local("stm$level") int level,
            @Advice.Thrown Throwable thrown) {
        try {
            return AtomicBridge.exit(txn, level, thrown);
        } catch (StackOverflowError e) {
            // The end of this scope may be lost: record it without calling anything (TxnState).
            TxnState s = (TxnState) txn;
            if (level <= 1) {
                s.depth = 0;
            } else if (level < s.lostLevel) {
                s.lostLevel = level;
                s.alert = 1;
            }
            throw e;
        }
    }
}
