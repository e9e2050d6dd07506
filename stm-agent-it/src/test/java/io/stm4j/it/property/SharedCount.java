package io.stm4j.it.property;

import io.stm4j.Shared;

/** A {@code @Shared} counter, one per stripe, so that counting does not make every transaction conflict. */
final class SharedCount {
    @Shared long n;
}
