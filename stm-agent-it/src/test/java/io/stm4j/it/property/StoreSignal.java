package io.stm4j.it.property;

import io.stm4j.BusyRetry;
import io.stm4j.ConcurrentUpdate;
import io.stm4j.Stm;
import io.stm4j.Store;
import io.stm4j.Value;
import io.stm4j.testkit.EngineAudit;
import io.stm4j.testkit.ThreadKind;
import java.util.concurrent.atomic.AtomicLong;

/** {@link Signal} on a store key; a plain write is {@code useVar}/{@code set}/{@code commit} outside a transaction. */
final class StoreSignal implements Signal {
    private final Store store = Store.create();

    StoreSignal() {
        setPlain(0);
    }

    @Override
    public void await(long expected, long next, AtomicLong attempts) {
        Stm.atomic(() -> {
            attempts.incrementAndGet();
            Value<Long> v = store.useVar("signal");
            if (v.get() != expected) {
                Stm.retry();
            }
            if (next >= 0) {
                v.set(next);
                v.commit();
            }
        });
    }

    @Override
    public void setInTransaction(long v) {
        Stm.atomic(() -> {
            Value<Long> x = store.useVar("signal");
            x.set(v);
            x.commit();
        });
    }

    @Override
    public void setPlain(long v) {
        while (true) {
            try {
                Value<Long> x = store.useVar("signal");
                x.set(v);
                x.commit();
                return;
            } catch (ConcurrentUpdate | BusyRetry e) {
                ThreadKind.pause(); // only one thread writes at a time here, but the API allows it
            }
        }
    }

    @Override
    public long get() {
        return store.<Long>useVar("signal").get();
    }

    @Override
    public int assertNoCellLocked() {
        return EngineAudit.assertUnlocked(store);
    }
}
