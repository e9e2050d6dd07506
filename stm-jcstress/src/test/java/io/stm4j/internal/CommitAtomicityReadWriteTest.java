package io.stm4j.internal;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Commit atomicity seen by a read-write transaction (opacity): one transaction writes x and y
 * together, another reads y then x in a read-write transaction that writes nothing, so it commits
 * without a validation step and its reads must already be consistent when they are made.
 *
 * <p>Memory-model claim: a read-write transaction reads only versions stamped within its snapshot
 * and, on meeting a newer one, extends the snapshot only after re-validating (with volatile reads
 * of each cell's lock word and head) everything read so far; so the values it returns come from
 * one point in the commit order. Seeing one of the two writes without the other is forbidden,
 * in either order. The reader's snapshot does not come from the clock: a read-write attempt
 * starts from the last time its thread knew (of an earlier round here), so the writer's commit
 * is stamped after it, and a read that finds the writer's value has extended the snapshot first.
 */
@JCStressTest
@Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "read before the commit")
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "read after the commit")
@Outcome(id = {"1, 0", "0, 1"}, expect = FORBIDDEN, desc = "inconsistent snapshot: one write seen without the other")
@Outcome(expect = FORBIDDEN, desc = "a value nobody wrote")
@State
public class CommitAtomicityReadWriteTest {

    final Cell x = new Cell("x", null, 0L);
    final Cell y = new Cell("y", null, 0L);

    @Actor
    public void writer() {
        Transactions.atomic(() -> {
            Txn t = Txn.current();
            t.writePrim(x, 1L);
            t.writePrim(y, 1L);
        }, -1, -1L, false);
    }

    @Actor
    public void reader(II_Result r) {
        Transactions.atomic(() -> {
            Txn t = Txn.current();
            r.r2 = (int) t.readPrim(y);
            r.r1 = (int) t.readPrim(x);
        }, -1, -1L, false);
    }
}
