package io.stm4j.internal;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Commit atomicity seen by a read-only transaction: one transaction writes x and y together,
 * another reads both in a read-only transaction.
 *
 * <p>Memory-model claim: the writer installs both versions under its cell locks with one clock
 * stamp; a read-only transaction reads the versions visible at its snapshot (a clock value read
 * with volatile semantics) and waits for a locked cell whose commit may fall inside its snapshot.
 * So it sees both writes or neither: x new with y old, or x old with y new, is forbidden.
 */
@JCStressTest
@Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "the snapshot is before the commit")
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "the snapshot is after the commit")
@Outcome(id = {"1, 0", "0, 1"}, expect = FORBIDDEN, desc = "torn commit: one write seen without the other")
@Outcome(expect = FORBIDDEN, desc = "a value nobody wrote")
@State
public class CommitAtomicityTest {

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
            r.r1 = (int) t.readPrim(x);
            r.r2 = (int) t.readPrim(y);
        }, -1, -1L, true);
    }
}
