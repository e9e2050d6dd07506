package io.stm4j.it;

import io.stm4j.Atomic;
import io.stm4j.Shared;
import io.stm4j.Stm;
import io.stm4j.Store;
import io.stm4j.Value;

/** Every way of writing inside {@code @Atomic(readOnly = true)}: each must be refused. */
class ReadOnlyWriter {
    @Shared static long total;
    @Shared long x;
    @Shared String label = "start";

    @Atomic(readOnly = true)
    void writeStatic() {
        total = 1;
    }

    @Atomic(readOnly = true)
    void writeReference() {
        label = "changed";
    }

    @Atomic(readOnly = true)
    void callReadWrite() {
        x();
    }

    @Atomic
    void x() {
        x = 7;
    }

    @Atomic(readOnly = true)
    void writeInBlock() {
        Stm.atomic(() -> {
            x = 3;
        });
    }

    @Atomic(readOnly = true)
    void commitToStore(Store s) {
        Value<Integer> v = s.useVar("k");
        v.set(1);
        v.commit();
    }

    @Atomic(readOnly = true)
    long readOnly() {
        return x + total;
    }
}
