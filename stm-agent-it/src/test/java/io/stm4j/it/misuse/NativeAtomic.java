package io.stm4j.it.misuse;

import io.stm4j.Atomic;

/** Misuse: @Atomic on a native method. */
public class NativeAtomic {
    @Atomic
    public native void work();
}
