package io.stm4j.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.stm4j.Stm;
import io.stm4j.Store;
import io.stm4j.Value;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Each thread finds its own transaction, also when two live threads share a lookup slot. */
class CurrentTransactionTest {
    private static final int SLOTS = 1 << 12;

    @Test
    @SuppressWarnings("deprecation")
    void threadsWhoseIdsCollideStillSeeOnlyTheirOwnTransaction() throws Exception {
        Store s = Store.create();
        int rounds = 2_000;
        CyclicBarrier step = new CyclicBarrier(2);
        AtomicLong mixups = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Runnable work = () -> {
            String key = Thread.currentThread().getName();
            try {
                for (int i = 0; i < rounds; i++) {
                    step.await(30, TimeUnit.SECONDS); // interleave the two threads' transactions
                    Stm.atomic(() -> {
                        if (!Stm.inTransaction() || Txn.current() != Txn.current()) {
                            mixups.incrementAndGet();
                        }
                        Value<Integer> v = s.useVar(key);
                        v.set(v.get() == null ? 1 : v.get() + 1);
                        v.commit();
                    });
                    if (Stm.inTransaction()) {
                        mixups.incrementAndGet();
                    }
                }
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
        };
        Thread a = new Thread(work, "a");
        Thread b = null;
        for (int i = 0; i <= SLOTS && b == null; i++) {
            Thread candidate = new Thread(work, "b");
            if ((candidate.getId() & (SLOTS - 1)) == (a.getId() & (SLOTS - 1))) {
                b = candidate;
            }
        }
        assertThat(b).as("a thread whose id shares a's slot").isNotNull();
        a.start();
        b.start();
        a.join(120_000);
        b.join(120_000);
        assertThat(a.isAlive() || b.isAlive()).isFalse();
        assertThat(failure.get()).isNull();
        assertThat(mixups.get()).isZero();
        assertThat(s.export("a", "b")).containsEntry("a", rounds).containsEntry("b", rounds);
    }
}
