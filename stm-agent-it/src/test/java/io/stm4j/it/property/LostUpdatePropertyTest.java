package io.stm4j.it.property;

import static org.assertj.core.api.Assertions.assertThat;

import io.stm4j.it.support.Flavor;
import io.stm4j.testkit.EngineQuiescence;
import io.stm4j.testkit.Stress;
import io.stm4j.testkit.ThreadKind;
import io.stm4j.testkit.Workers;
import java.util.BitSet;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * No lost updates: N threads each incrementing one hot counter M times leave exactly N × M, and
 * the values the increments replaced are exactly 0 .. N × M − 1, each once (two increments that
 * read the same value — the signature of a lost update — would repeat one and miss another).
 * Half the threads use each API's second way of writing the increment: for the store, Axon.STM's
 * optimistic loop outside any transaction, racing the transactions on the same key; for annotated
 * code, a {@code Stm.atomic} lambda on the {@code @Shared} field beside the {@code @Atomic} method.
 */
@ExtendWith(EngineQuiescence.class)
class LostUpdatePropertyTest {
    /** Test invocations that share this property's time under -Pstress: methods times flavors. */
    private static final int INVOCATIONS = Flavor.all().size();

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.stm4j.it.support.Flavor#all")
    void everyIncrementCountsExactlyOnce(Flavor flavor) throws Exception {
        Stress.rounds(INVOCATIONS, () -> everyIncrementCountsExactlyOnceRound(flavor));
    }

    private void everyIncrementCountsExactlyOnceRound(Flavor flavor) throws Exception {
        int threads = Stress.THREADS;
        int each = Math.max(5_000, 400_000 * Stress.SCALE / threads);
        Counter counter = Counter.create(flavor.api);
        int[][] replaced = new int[threads][each];
        long t0 = System.nanoTime();
        Workers w = Workers.of(flavor.kind, "lost-updates");
        w.add(threads, i -> {
            int style = i & 1;
            for (int n = 0; n < each && !w.failed(); n++) {
                replaced[i][n] = Math.toIntExact(counter.increment(style));
                ThreadKind.beFair();
            }
        });
        w.run();
        long ms = (System.nanoTime() - t0) / 1_000_000;

        long expected = (long) threads * each;
        assertThat(counter.get()).as("%d threads x %d increments", threads, each).isEqualTo(expected);
        BitSet seen = new BitSet();
        long repeats = 0;
        for (int[] r : replaced) {
            for (int v : r) {
                if (seen.get(v)) {
                    repeats++;
                }
                seen.set(v);
            }
        }
        assertThat(repeats).as("increments that replaced a value another increment had replaced").isZero();
        assertThat(seen.cardinality()).isEqualTo(expected);
        assertThat(seen.nextClearBit(0)).isEqualTo(expected);
        assertThat(counter.assertNoCellLocked()).isEqualTo(1);
        String extra = counter instanceof StoreCounter ? "seedRetries=" + ((StoreCounter) counter).seedRetries.get() : "";
        Stress.report("property", "lost-updates", flavor, threads, expected, 0, ms, extra);
    }
}
