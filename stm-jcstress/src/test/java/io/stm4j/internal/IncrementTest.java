package io.stm4j.internal;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * No lost update: two transactions each increment one cell.
 *
 * <p>Memory-model claim: a commit try-locks the cell (a CAS on its lock word), then validates that
 * nothing it read has a newer version, then installs; a transaction whose read became stale
 * re-runs. The two increments are therefore serialised: one reads 0, the other reads 1, and the
 * final value (read by the arbiter after both actors finished) is 2. Both reading 0, or a final
 * value of 1, is a lost update and forbidden.
 *
 * <p>Result: the value each actor's committed attempt read, then the final value.
 */
@JCStressTest
@Outcome(id = {"0, 1, 2", "1, 0, 2"}, expect = ACCEPTABLE, desc = "serialised increments")
@Outcome(id = "0, 0, 1", expect = FORBIDDEN, desc = "lost update")
@Outcome(expect = FORBIDDEN, desc = "not a serial execution of the two increments")
@State
public class IncrementTest {

    final Cell cell = new Cell("counter", null, 0L);

    private int increment() {
        return Transactions.atomic(() -> {
            Txn t = Txn.current();
            long seen = t.readPrim(cell);
            t.writePrim(cell, seen + 1);
            return (int) seen;
        }, -1, -1L, false);
    }

    @Actor
    public void first(III_Result r) {
        r.r1 = increment();
    }

    @Actor
    public void second(III_Result r) {
        r.r2 = increment();
    }

    @Arbiter
    public void result(III_Result r) {
        r.r3 = (int) NonTxn.latest(cell, -1).prim;
    }
}
