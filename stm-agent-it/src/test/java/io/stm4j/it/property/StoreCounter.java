package io.stm4j.it.property;

import io.stm4j.BusyRetry;
import io.stm4j.ConcurrentUpdate;
import io.stm4j.Stm;
import io.stm4j.Store;
import io.stm4j.Value;
import io.stm4j.testkit.EngineAudit;
import io.stm4j.testkit.ThreadKind;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link Counter} on a store key. Style 0: a {@code Stm.atomic} block. Style 1: Axon.STM's own
 * loop outside any transaction — {@code useVar}, {@code set}, {@code commit}, and again on
 * {@code ConcurrentUpdate} or {@code BusyRetry} — mixed with the transactions on the same key.
 */
final class StoreCounter implements Counter {
    private final Store store = Store.create();
    /** How often the seed-style loop had to go round again. */
    final AtomicLong seedRetries = new AtomicLong();

    StoreCounter() {
        Value<Long> v = store.useVar("n");
        v.set(0L);
        v.commit();
    }

    @Override
    public long increment(int style) {
        if (style == 0) {
            return Stm.atomic(() -> {
                Value<Long> v = store.useVar("n");
                long old = v.get();
                Counter.work();
                v.set(old + 1);
                v.commit();
                return old;
            });
        }
        while (true) {
            try {
                Value<Long> v = store.useVar("n");
                long old = v.get();
                Counter.work();
                v.set(old + 1);
                v.commit();
                return old;
            } catch (ConcurrentUpdate | BusyRetry e) {
                seedRetries.incrementAndGet();
                ThreadKind.pause();
            }
        }
    }

    @Override
    public long get() {
        return store.<Long>useVar("n").get();
    }

    @Override
    public int assertNoCellLocked() {
        return EngineAudit.assertUnlocked(store);
    }
}
