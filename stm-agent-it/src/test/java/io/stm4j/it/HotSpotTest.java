package io.stm4j.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.stm4j.Store;
import io.stm4j.StoreStats;
import io.stm4j.testkit.EngineControls;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The hot-spot report names the one contended {@code @Shared} field of a workload (class and field)
 * and never the fields that only one thread writes; a transaction that keeps aborting logs one
 * warning naming its {@code @Atomic} method and that field.
 */
class HotSpotTest {
    private static final String CONTENDED = HotSpotWorkload.Counters.class.getName() + ".contended";
    private static final String PRIVATE = HotSpotWorkload.Own.class.getName() + ".mine";

    private static Map<String, Long> hotSpots() {
        Map<String, Long> m = new HashMap<>();
        for (StoreStats.HotSpot h : Store.defaultStore().stats().hotSpots()) {
            m.put(h.name(), h.conflicts());
        }
        return m;
    }

    @Test
    void namesTheOneContendedField() throws Exception {
        HotSpotWorkload w = new HotSpotWorkload();
        ExecutorService other = Executors.newSingleThreadExecutor();
        long before = hotSpots().getOrDefault(CONTENDED, 0L);
        int threads = 4;
        int steps = 5_000;
        List<Thread> ts = new ArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Throwable> failures = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            HotSpotWorkload.Own own = new HotSpotWorkload.Own();
            Thread t = new Thread(() -> {
                try {
                    start.await();
                    w.stepWithInterference(own, other, 1, new int[1]); // one conflict at least, whatever the schedule
                    for (int s = 1; s < steps; s++) {
                        w.step(own);
                    }
                    assertThat(own.mine).isEqualTo(steps);
                } catch (Throwable e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                }
            });
            t.start();
            ts.add(t);
        }
        start.countDown();
        for (Thread t : ts) {
            t.join(60_000);
            assertThat(t.isAlive()).as("worker still running after 60 s").isFalse();
        }
        other.shutdown();
        assertThat(other.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        assertThat(failures).isEmpty();
        assertThat(w.shared.contended).as("no lost update").isEqualTo((long) threads * steps + threads);

        Map<String, Long> after = hotSpots();
        assertThat(after.getOrDefault(CONTENDED, 0L) - before).as("conflicts on " + CONTENDED)
                .isGreaterThanOrEqualTo(threads);
        assertThat(after).as("fields written by one thread only never conflict").doesNotContainKey(PRIVATE);
        assertThat(Store.defaultStore().stats().toString()).contains(CONTENDED);
    }

    @Test
    void aTransactionThatKeepsAbortingWarnsNamingItsMethodAndTheField() throws Exception {
        List<String> warnings = new ArrayList<>();
        ExecutorService other = Executors.newSingleThreadExecutor();
        // Another transaction holds the priority gate throughout, so this one never takes priority
        // and can keep losing to the interference.
        try (AutoCloseable capture = EngineControls.captureWarnings(m -> {
            synchronized (warnings) {
                warnings.add(m);
            }
        }); AutoCloseable gate = EngineControls.holdPriorityElsewhere()) {
            HotSpotWorkload w = new HotSpotWorkload();
            int[] attempts = new int[1];
            w.stepWithInterference(new HotSpotWorkload.Own(), other, 120, attempts);
            assertThat(attempts[0]).isEqualTo(121);
            assertThat(w.shared.contended).isEqualTo(121);
        } finally {
            other.shutdown();
            assertThat(other.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(warnings).hasSize(1);
        assertThat(warnings.get(0))
                .contains(HotSpotWorkload.class.getName() + ".stepWithInterference")
                .contains("hottest conflict: " + CONTENDED);
    }
}
