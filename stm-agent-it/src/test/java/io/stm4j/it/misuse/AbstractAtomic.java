package io.stm4j.it.misuse;

import io.stm4j.Atomic;

/** Misuse: @Atomic on an abstract method. */
public abstract class AbstractAtomic {
    @Atomic
    public abstract void work();

    /** A concrete subclass, so that initialisation can be triggered. */
    public static final class Impl extends AbstractAtomic {
        @Override
        public void work() {
        }
    }
}
