package io.stm4j.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * A cell's newest version lives in the cell itself ({@link CellHead}): commits overwrite it in
 * place, so writing a cell that no snapshot reader reads allocates nothing, and the head's value,
 * key version and stamp stay one version's.
 */
class InlineHeadTest {

    @Test
    void commitsToACellNoSnapshotReadsAllocateNoVersion() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Cell c = new Cell("c", null, 0L);
        Txn t = Txn.current();
        for (int i = 0; i < 20_000; i++) {
            NonTxn.write(t, c, null, i); // warm up: a first commit may allocate the statistics' counters
        }
        long id = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(id);
        for (int i = 0; i < 10_000; i++) {
            NonTxn.write(t, c, null, i);
        }
        long allocated = threads.getThreadAllocatedBytes(id) - before;
        // a version per commit would be 48 bytes each: 480,000 bytes; allow for the measurement's own
        assertThat(allocated).as("bytes allocated by 10,000 commits").isLessThan(10_000L);
        assertThat(c.head().prev).isNull();
        assertThat(c.head().prim).isEqualTo(9_999L);
        assertThat(c.head().seq).isEqualTo(30_000L);
    }

    @Test
    void theHeadKeepsTheStampOfTheCommitThatInstalledItAndTheOldHeadMovesIntoTheHistory() {
        Cell c = new Cell("c", "initial", 0L);
        c.wantHistory(); // as a snapshot reader that found the history too short would
        Txn t = Txn.current();
        long before = GlobalClock.now();
        NonTxn.write(t, c, "first", 0L);
        NonTxn.write(t, c, "second", 0L);
        Version h = c.head();
        assertThat(h.ref).isEqualTo("second");
        assertThat(h.seq).isEqualTo(2);
        assertThat(h.stamp).isGreaterThan(before + 1).isLessThanOrEqualTo(GlobalClock.now());
        assertThat(c.stamp()).isEqualTo(h.stamp);
        Version older = h.prev;
        assertThat(older.ref).isEqualTo("first");
        assertThat(older.seq).isEqualTo(1);
        assertThat(older.stamp).isGreaterThan(before).isLessThan(h.stamp);
        assertThat(NonTxn.at(c, older.stamp, -1, true).ref).isEqualTo("first");
        assertThat(NonTxn.at(c, h.stamp, -1, true).ref).isEqualTo("second");
    }
}
