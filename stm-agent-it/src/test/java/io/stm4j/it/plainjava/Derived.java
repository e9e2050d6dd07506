package io.stm4j.it.plainjava;

import io.stm4j.Atomic;
import io.stm4j.Shared;

/** {@code @Shared} state under a {@code clone()} inherited from a class of no stm4j interest. */
public class Derived extends PlainBase {
    @Shared private long n;

    public Derived(long n) {
        this.n = n;
    }

    @Atomic
    public void add(long d) {
        n += d;
    }

    public long n() {
        return n;
    }
}
