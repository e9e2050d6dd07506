package io.stm4j.it.collections;

import io.stm4j.Atomic;
import io.stm4j.Stm;
import io.stm4j.it.collections.Way.Style;

/**
 * One transaction around a body, written in either {@link Style}: a {@code Stm.atomic} lambda, or
 * an {@code @Atomic} method (rewritten by the agent). A checked exception leaves a
 * {@code Stm.atomic} block too, thrown without the compiler's knowledge (its lambdas cannot
 * declare one).
 */
final class InTx {
    /** A transaction body. */
    interface Body<T> {
        T run() throws Exception;
    }

    private InTx() {
    }

    static <T> T call(Style style, Body<T> body) throws Exception {
        if (style == Style.ANNOTATED) {
            return annotated(body);
        }
        return Stm.atomic(() -> {
            try {
                return body.run();
            } catch (Exception e) {
                throw InTx.<RuntimeException>sneaky(e);
            }
        });
    }

    /** As {@link #call}; the annotated style declares the transaction read-only. */
    static <T> T read(Style style, Body<T> body) throws Exception {
        if (style == Style.ANNOTATED) {
            return annotatedReadOnly(body);
        }
        return call(style, body);
    }

    @Atomic
    private static <T> T annotated(Body<T> body) throws Exception {
        return body.run();
    }

    @Atomic(readOnly = true)
    private static <T> T annotatedReadOnly(Body<T> body) throws Exception {
        return body.run();
    }

    @SuppressWarnings("unchecked")
    static <E extends Throwable> E sneaky(Throwable t) throws E {
        throw (E) t;
    }
}
