package io.stm4j.it.support;

/** The two ways users write transactions; every property and fault runs against both. */
public enum Api {
    /** {@code io.stm4j.Store} keys and values inside {@code Stm.atomic} blocks. */
    STORE,
    /** {@code @Shared} fields and {@code @Atomic} methods, rewritten by the agent. */
    ANNOTATED;

    @Override
    public String toString() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
