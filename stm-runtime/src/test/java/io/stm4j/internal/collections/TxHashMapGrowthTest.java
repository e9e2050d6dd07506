package io.stm4j.internal.collections;

import static org.assertj.core.api.Assertions.assertThat;

import io.stm4j.Stm;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A map whose keys come and go keeps a bounded number of cells: removed keys' cells are swept. */
class TxHashMapGrowthTest {

    @Test
    void removedKeysCellsAreSweptSoTheMapDoesNotGrowWithItsHistory() {
        TxHashMap<Integer, Integer> m = new TxHashMap<>();
        int maxCells = 0;
        for (int i = 0; i < 200_000; i++) {
            m.put(i, i);
            if (i >= 100) {
                m.remove(i - 100);
            }
            maxCells = Math.max(maxCells, m.cellCount());
        }
        assertThat(m).hasSize(100);
        // the live keys plus about two sweeps' worth of garbage, however long the history
        assertThat(maxCells).as("most cells at once over 200,000 distinct keys").isLessThan(5_000);
        for (int i = 199_900; i < 200_000; i++) {
            assertThat(m.get(i)).isEqualTo(i);
        }
    }

    @Test
    void aKeyRemovedAndPutAgainAfterSweepsHasItsNewValueInsideAndOutsideTransactions() {
        TxHashMap<Integer, String> m = new TxHashMap<>();
        for (int round = 0; round < 5; round++) {
            for (int i = 0; i < 3_000; i++) {
                m.put(i, "r" + round);
            }
            for (int i = 0; i < 3_000; i++) {
                m.remove(i);
            }
        }
        m.put(42, "back");
        assertThat(Stm.atomic(() -> m.get(42))).isEqualTo("back");
        assertThat(m).containsExactly(Map.entry(42, "back"));
        assertThat(m.cellCount()).isLessThan(4_000);
    }
}
