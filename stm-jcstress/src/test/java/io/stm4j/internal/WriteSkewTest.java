package io.stm4j.internal;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * No write skew: x = y = 0; each of two transactions reads both and, iff x + y == 0, writes 1 to
 * its own cell (x for the first, y for the second).
 *
 * <p>Memory-model claim: the engine is serialisable, not merely snapshot-isolated: a commit
 * validates its whole read set (not only its write set) after locking its writes and taking its
 * clock stamp, so the second transaction to commit sees the first one's write in its read set and
 * re-runs, then finds x + y == 1 and writes nothing. Exactly one cell ends at 1: both committing
 * (x == 1 and y == 1) is write skew, and neither writing is a lost transaction; both forbidden.
 */
@JCStressTest
@Outcome(id = {"1, 0", "0, 1"}, expect = ACCEPTABLE, desc = "one transaction wrote, the other saw it")
@Outcome(id = "1, 1", expect = FORBIDDEN, desc = "write skew: both committed on a stale x + y == 0")
@Outcome(id = "0, 0", expect = FORBIDDEN, desc = "neither wrote: some transaction saw a value nobody committed")
@Outcome(expect = FORBIDDEN, desc = "a value nobody wrote")
@State
public class WriteSkewTest {

    final Cell x = new Cell("x", null, 0L);
    final Cell y = new Cell("y", null, 0L);

    private void writeIfBothZero(Cell mine) {
        Transactions.atomic(() -> {
            Txn t = Txn.current();
            if (t.readPrim(x) + t.readPrim(y) == 0) {
                t.writePrim(mine, 1L);
            }
        }, -1, -1L, false);
    }

    @Actor
    public void first() {
        writeIfBothZero(x);
    }

    @Actor
    public void second() {
        writeIfBothZero(y);
    }

    @Arbiter
    public void result(II_Result r) {
        r.r1 = (int) NonTxn.latest(x, -1).prim;
        r.r2 = (int) NonTxn.latest(y, -1).prim;
    }
}
