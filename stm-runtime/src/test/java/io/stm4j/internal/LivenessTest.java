package io.stm4j.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.stm4j.Stm;
import io.stm4j.Store;
import io.stm4j.Value;
import io.stm4j.testkit.Stress;
import io.stm4j.testkit.ThreadKind;
import io.stm4j.testkit.Workers;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Progress with unlimited retries: a long transaction is not starved by a stream of short ones. */
class LivenessTest {
    private static final int CELLS = 500;

    @Test
    void longTransactionCompletesWhileTwoThreadsHammerItsCells() throws Exception {
        Store s = Store.create();
        String[] keys = new String[CELLS];
        for (int i = 0; i < CELLS; i++) {
            keys[i] = "c" + i;
            Value<Integer> v = s.useVar(keys[i]);
            v.set(0);
            v.commit();
        }
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger hammered = new AtomicInteger();
        AtomicInteger longAttempts = new AtomicInteger();
        long[] seenSum = new long[1];
        Workers.Body hammer = i -> {
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            while (!stop.get()) {
                String k = keys[rnd.nextInt(CELLS)];
                Stm.atomic(() -> {
                    Value<Integer> v = s.useVar(k);
                    v.set(v.get() + 1);
                    v.commit();
                });
                hammered.incrementAndGet();
            }
        };
        Workers.Body longTxn = i -> {
            try {
                // wait until the hammers are really running, without sleeping
                while (hammered.get() < 1_000) {
                    Thread.onSpinWait();
                }
                for (int round = 0; round < 5 * Stress.SCALE; round++) {
                    seenSum[0] = Stm.atomic(() -> {
                        longAttempts.incrementAndGet();
                        long sum = 0;
                        for (String k : keys) {
                            sum += s.<Integer>useVar(k).get();
                            for (int spin = 0; spin < 20; spin++) {
                                Thread.onSpinWait(); // make the transaction long
                            }
                        }
                        Value<Long> total = s.useVar("total");
                        total.set(sum);
                        total.commit();
                        return sum;
                    });
                }
            } finally {
                stop.set(true);
            }
        };
        Workers.of(ThreadKind.PLATFORM, "liveness").timeout(Duration.ofSeconds(120)).add(2, hammer).add(1, longTxn).run();
        assertThat(s.<Long>useVar("total").get()).isEqualTo(seenSum[0]);
        long finalSum = s.export(keys).values().stream().mapToLong(o -> (Integer) o).sum();
        assertThat(finalSum).isEqualTo(hammered.get());
        assertThat(longAttempts.get()).isPositive();
    }
}
