package io.stm4j.internal;

import io.stm4j.Stm;
import io.stm4j.Store;
import io.stm4j.Value;

/** Store writes the engine's tests make from other threads to force conflicts. */
final class StoreKeys {
    private StoreKeys() {
    }

    /** Adds one to {@code key} (an Integer, null counting as 0) in a transaction of its own. */
    static void increment(Store s, String key) {
        Stm.atomic(() -> {
            Value<Integer> v = s.useVar(key);
            v.set(v.get() == null ? 1 : v.get() + 1);
            v.commit();
        });
    }
}
