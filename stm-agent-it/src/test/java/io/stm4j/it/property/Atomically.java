package io.stm4j.it.property;

import io.stm4j.Atomic;
import io.stm4j.Stm;
import io.stm4j.it.support.Api;

/**
 * One transaction around any body, the way each API writes it: {@code Stm.atomic} for the store
 * API, an {@code @Atomic} method for annotated code. A checked exception leaves a {@code Stm.atomic}
 * block unchanged too (its lambdas cannot declare one, so it is thrown without the compiler's
 * knowledge, as Lombok's {@code @SneakyThrows} does).
 */
final class Atomically {
    /** A transaction body. */
    interface Body<T> {
        T run() throws Exception;
    }

    private Atomically() {
    }

    static <T> T call(Api api, Body<T> body) throws Exception {
        if (api == Api.ANNOTATED) {
            return annotated(body);
        }
        return Stm.atomic(() -> {
            try {
                return body.run();
            } catch (Exception e) {
                throw Atomically.<RuntimeException>sneaky(e);
            }
        });
    }

    static void run(Api api, Body<?> body) throws Exception {
        call(api, body);
    }

    @Atomic
    private static <T> T annotated(Body<T> body) throws Exception {
        return body.run();
    }

    @SuppressWarnings("unchecked")
    static <E extends Throwable> E sneaky(Throwable t) throws E {
        throw (E) t;
    }
}
