package io.stm4j.it.fault;

import java.io.IOException;

/** The throwables the fault tests inject. Each call of {@link #make} makes a new instance. */
enum Kind {
    RUNTIME_EXCEPTION,
    /** Checked: declared by {@code @Atomic} methods, thrown undeclared out of {@code Stm.atomic} lambdas. */
    CHECKED_EXCEPTION,
    ASSERTION_ERROR,
    /** A custom {@link VirtualMachineError}, as {@link OutOfMemoryError} is. */
    OUT_OF_MEMORY_LIKE,
    /** A real {@link StackOverflowError}, from recursing until the stack runs out. */
    STACK_OVERFLOW;

    /** What an out-of-memory condition looks like to a transaction, without exhausting the heap. */
    static final class SimulatedOutOfMemoryError extends VirtualMachineError {
        private static final long serialVersionUID = 1L;

        SimulatedOutOfMemoryError(String message) {
            super(message);
        }
    }

    /** @return a new throwable of this kind; for STACK_OVERFLOW, the one the recursion ended with */
    Throwable make(String where) {
        switch (this) {
            case RUNTIME_EXCEPTION:
                return new IllegalStateException("injected at " + where);
            case CHECKED_EXCEPTION:
                return new IOException("injected at " + where);
            case ASSERTION_ERROR:
                return new AssertionError("injected at " + where);
            case OUT_OF_MEMORY_LIKE:
                return new SimulatedOutOfMemoryError("injected at " + where);
            case STACK_OVERFLOW:
                try {
                    recurse(0);
                } catch (StackOverflowError e) {
                    return e;
                }
                throw new AssertionError("the recursion ended without a StackOverflowError");
            default:
                throw new AssertionError(this);
        }
    }

    private static long recurse(long n) {
        return recurse(n + 1) + n; // not a tail call
    }
}
