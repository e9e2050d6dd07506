package io.stm4j.it;

import io.stm4j.Atomic;
import io.stm4j.Shared;

/** A generic class with an @Atomic method. */
class Box<T> {
    @Shared private T value;

    Box(T value) {
        this.value = value;
    }

    @Atomic
    T swap(T next) {
        T old = value;
        value = next;
        return old;
    }

    T get() {
        return value;
    }
}
