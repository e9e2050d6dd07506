package io.stm4j.it.misuse;

import io.stm4j.Shared;

/** Misuse: a final @Shared field. */
public class FinalShared {
    @Shared
    public final long frozen = 1;
}
