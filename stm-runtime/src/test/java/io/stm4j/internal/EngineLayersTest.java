package io.stm4j.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stm4j.StmException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The layers of a transaction where their behaviour has edges: the write set's switch from a
 * linear search to its index and back after an inner scope is undone, nested scopes' undo log
 * and hooks, and the commit protocol's outcomes (busy, stale, conflict, deferral to a privileged
 * transaction), each on a transaction driven directly.
 */
class EngineLayersTest {

    private static Cell[] cells(int n) {
        Cell[] cs = new Cell[n];
        for (int i = 0; i < n; i++) {
            cs[i] = new Cell("c" + i, null, 0L);
        }
        return cs;
    }

    /** Ends the test's outermost transaction by an exception, which {@code exit} rethrows. */
    private static void abandon(Txn t) {
        StmException end = new StmException("end the test's transaction");
        assertThatThrownBy(() -> t.exit(1, end)).isSameAs(end);
        assertThat(t.depth).isZero();
    }

    @Test
    void theWriteSetFindsEveryEntryBeforeAndAfterItSwitchesToItsIndex() {
        Txn t = new Txn();
        Cell[] cs = cells(200);
        for (int i = 0; i < cs.length; i++) {
            t.appendWrite(cs[i], "v" + i, i, 0);
            assertThat(t.isIndexed()).as("indexed after %d entries", i + 1).isEqualTo(i + 1 > WriteSet.LINEAR_MAX);
            for (int j = 0; j <= i; j++) {
                assertThat(t.findWrite(cs[j])).isEqualTo(j);
            }
        }
        assertThat(t.findWrite(new Cell("absent", null, 0L))).isEqualTo(-1);
        t.clearWrites();
        assertThat(t.isIndexed()).isFalse();
        for (Cell c : cs) {
            assertThat(t.findWrite(c)).isEqualTo(-1);
        }
    }

    @Test
    void undoingAnInnerScopeRestoresTheOuterEntriesAndRebuildsTheIndexWithoutTheInnerOnes() {
        Txn t = Txn.enter(-1, -1L, false);
        try {
            Cell[] cs = cells(40);
            for (int i = 0; i < 6; i++) {
                t.writePrim(cs[i], i); // outer: 6 entries, linear
            }
            assertThat(t.isIndexed()).isFalse();
            Txn.enter(-1, -1L, false); // inner scope
            for (int i = 0; i < 6; i++) {
                t.writePrim(cs[i], 100 + i); // overwrites the outer entries: undo log
            }
            for (int i = 6; i < 40; i++) {
                t.writePrim(cs[i], 100 + i); // new entries: the index is built
            }
            assertThat(t.isIndexed()).isTrue();
            assertThat(t.readPrim(cs[3])).isEqualTo(103);
            RuntimeException boom = new RuntimeException("inner failed");
            assertThatThrownBy(() -> t.exit(2, boom)).isSameAs(boom);
            assertThat(t.depth).isEqualTo(1);
            assertThat(t.nWrites).isEqualTo(6);
            assertThat(t.isIndexed()).as("back to a linear search").isFalse();
            for (int i = 0; i < 6; i++) {
                assertThat(t.readPrim(cs[i])).as("outer value of c%d", i).isEqualTo(i);
            }
            for (int i = 6; i < 40; i++) {
                assertThat(t.findWrite(cs[i])).as("inner entry c%d", i).isEqualTo(-1);
            }
        } finally {
            abandon(t);
        }
    }

    @Test
    void anInnerScopeThatReturnsKeepsItsWritesAndHooksForItsParent() {
        List<String> ran = new ArrayList<>();
        Txn t = Txn.enter(-1, -1L, false);
        Cell c = new Cell("c", null, 0L);
        try {
            Txn.enter(-1, -1L, false);
            t.writePrim(c, 7);
            t.addCommitHook(() -> ran.add("inner commit"));
            t.addRollbackHook(() -> ran.add("inner rollback"));
            assertThat(t.exit(2, null)).isTrue();
            assertThat(t.readPrim(c)).isEqualTo(7);
            Txn.enter(-1, -1L, false);
            t.addCommitHook(() -> ran.add("undone commit"));
            t.addRollbackHook(() -> ran.add("undone rollback"));
            RuntimeException boom = new RuntimeException();
            assertThatThrownBy(() -> t.exit(2, boom)).isSameAs(boom);
            assertThat(ran).as("the undone scope's rollback hook ran at once, its commit hook was dropped")
                    .containsExactly("undone rollback");
        } catch (Throwable e) {
            abandon(t);
            throw e;
        }
        assertThat(t.exit(1, null)).isTrue();
        assertThat(ran).containsExactly("undone rollback", "inner commit");
        assertThat(NonTxn.latest(c, -1).prim).isEqualTo(7);
    }

    @Test
    void aReadOnlyInnerScopeRefusesWritesAndTheOuterScopeWritesAgainAfterIt() {
        Txn t = Txn.enter(-1, -1L, false);
        Cell c = new Cell("c", null, 0L);
        try {
            Txn.enter(-1, -1L, true);
            assertThat(t.isReadOnly()).isTrue();
            assertThatThrownBy(() -> t.writePrim(c, 1)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("'c'").hasMessageContaining("read-only");
            assertThat(t.exit(2, null)).isTrue();
            assertThat(t.isReadOnly()).isFalse();
            t.writePrim(c, 2);
        } finally {
            assertThat(t.exit(1, null)).isTrue();
        }
        assertThat(NonTxn.latest(c, -1).prim).isEqualTo(2);
    }

    @Test
    void theCommitProtocolReportsABusyCellAndPublishesNothing() {
        Txn t = new Txn();
        Txn other = new Txn();
        Cell[] cs = cells(3);
        assertThat(cs[2].tryLock(other)).isTrue();
        try {
            int r = Commit.run(t, cs, 3, new Object[] {"a", "b", "c"}, null, null, null, false);
            assertThat(r).isEqualTo(Commit.BUSY);
            assertThat(t.conflictCell).isSameAs(cs[2]);
            assertThat(t.conflictWasBusy).isTrue();
            for (Cell c : cs) {
                assertThat(c.head().ref).isNull();
            }
            assertThat(cs[0].owner).as("released").isNull();
            assertThat(cs[1].owner).isNull();
        } finally {
            cs[2].unlock();
        }
    }

    @Test
    void theCommitProtocolReportsTheFirstStaleCellAndPublishesOnlyWhatItWrites() {
        Txn t = new Txn();
        Cell[] cs = cells(3);
        NonTxn.write(t, cs[1], "newer", 0L);
        int r = Commit.run(t, cs, 3, new Object[] {"a", "b", "c"}, null, new long[] {0, 0, 0}, null, false);
        assertThat(r).isEqualTo(Commit.STALE + 1);
        assertThat(cs[0].head().ref).isNull();
        r = Commit.run(t, cs, 3, new Object[] {"a", "b", "c"}, null, new long[] {0, 1, 0},
                new boolean[] {true, false, true}, false);
        assertThat(r).isEqualTo(Commit.COMMITTED);
        assertThat(cs[0].head().ref).isEqualTo("a");
        assertThat(cs[1].head().ref).as("checked, not written").isEqualTo("newer");
        assertThat(cs[2].head().ref).isEqualTo("c");
        assertThat(cs[0].head().stamp).as("one stamp for the commit").isEqualTo(cs[2].head().stamp);
        for (Cell c : cs) {
            assertThat(c.owner).isNull();
        }
    }

    @Test
    void aTransactionWhoseReadWasOverwrittenFailsValidationAndPublishesNothing() {
        Cell read = new Cell("read", null, 0L);
        Cell written = new Cell("written", null, 0L);
        Txn t = Txn.enter(-1, -1L, false);
        AtomicInteger attempts = new AtomicInteger();
        try {
            t.readPrim(read);
            NonTxn.write(new Txn(), read, null, 5L); // another commit, after the read
            t.writePrim(written, 1);
            attempts.incrementAndGet();
            assertThat(Commit.run(t, t.wCells, t.nWrites, t.wRefs, t.wPrims, null, null, true))
                    .isEqualTo(Commit.CONFLICT);
            assertThat(t.conflictCell).isSameAs(read);
            assertThat(written.head().prim).isZero();
            assertThat(written.owner).isNull();
        } finally {
            abandon(t);
        }
    }

    @Test
    void aCommitToACellMarkedByAPrivilegedAttemptWaitsOutsideItsLocksUntilThatAttemptEnds() throws Exception {
        Cell marked = new Cell("marked", null, 0L);
        Cell free = new Cell("free", null, 0L);
        Txn[] holder = new Txn[1];
        CountDownLatch ready = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        Thread h = new Thread(() -> {
            holder[0] = new Txn();
            long ticket = ContentionManager.tryPrioritizeFor(holder[0], TimeUnit.MINUTES.toNanos(10));
            ContentionManager.mark(marked, ticket);
            ready.countDown();
            try {
                done.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ContentionManager.release(holder[0]);
        }, "holder");
        h.start();
        try {
            assertThat(ready.await(60, TimeUnit.SECONDS)).isTrue();
            long before = ContentionManager.deferredCommits();
            Thread committer = new Thread(() -> NonTxn.write(new Txn(), marked, "after", 0L), "committer");
            committer.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (ContentionManager.deferredCommits() == before) {
                assertThat(System.nanoTime() - deadline).isNegative();
                Thread.yield();
            }
            assertThat(marked.owner).as("it waits without holding the cell's lock").isNull();
            assertThat(marked.head().ref).isNull();
            NonTxn.write(new Txn(), free, "free", 0L); // a disjoint commit goes straight through
            assertThat(ContentionManager.deferredCommits() - before).isEqualTo(1L);
            done.countDown();
            committer.join(60_000);
            assertThat(committer.isAlive()).isFalse();
            assertThat(marked.head().ref).isEqualTo("after");
        } finally {
            done.countDown();
            h.join(60_000);
        }
    }
}
