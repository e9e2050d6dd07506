package io.stm4j.it.property;

import io.stm4j.Atomic;
import java.util.function.LongSupplier;

/** A read-only transaction around any body: {@code Stm.atomic} has no options, {@code @Atomic(readOnly = true)} does. */
final class ReadOnly {
    private ReadOnly() {
    }

    @Atomic(readOnly = true)
    static long call(LongSupplier body) {
        return body.getAsLong();
    }
}
