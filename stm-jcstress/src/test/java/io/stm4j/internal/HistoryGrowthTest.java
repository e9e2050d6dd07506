package io.stm4j.internal;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * History on demand ({@link Cell#keep}): a snapshot reader's growth of a cell's history races an
 * install.
 *
 * <p>Claim: a snapshot reader at a clock value taken before the install reads the version of its
 * snapshot, complete, or finds the history too short (null: it starts again); never the installed
 * version, and never a torn one. Growth racing the install never breaks the chain: the head is
 * the installed version, and its older version, if the install kept one, is the initial version,
 * complete. The install reads {@code keep} once, so it keeps the older version or not, as a whole;
 * the growth is never lost (the install does not write {@code keep} outside a shrink check).
 *
 * <p>Result: the reader's seq and bits (-1, -1: history too short), the chain after both
 * (10: the head alone; 11: the head and the initial version), and whether the cell keeps history
 * after both (1).
 */
@JCStressTest
@Outcome(id = "0, 0, 10, 1", expect = ACCEPTABLE, desc = "read before the install; the install kept no history")
@Outcome(id = "0, 0, 11, 1", expect = ACCEPTABLE, desc = "read the snapshot's version; the install kept it")
@Outcome(id = "-1, -1, 10, 1", expect = ACCEPTABLE, desc = "the install kept no history: the reader starts again")
@Outcome(expect = FORBIDDEN, desc = "a version after the snapshot, a torn one, a broken chain or lost growth")
@State
public class HistoryGrowthTest {
    final Cell cell = new Cell("x", null, 0L);
    /** The reader's snapshot: before the writer's commit, which takes a later tick. */
    final long rv = GlobalClock.now();

    @Actor
    public void writer() {
        NonTxn.write(Txn.current(), cell, null, 7L);
    }

    /** Grows the history (as a reader that faulted on this cell before would have), then reads its snapshot. */
    @Actor
    public void reader(IIII_Result r) {
        cell.wantHistory();
        Version v = NonTxn.at(cell, rv, -1, true);
        r.r1 = v == null ? -1 : (int) v.seq;
        r.r2 = v == null ? -1 : (int) v.prim;
    }

    @Arbiter
    public void chain(IIII_Result r) {
        Version h = cell.head();
        Version p = h.prev;
        int older = p == null ? 0 : p.seq == 0 && p.prim == 0 && p.prev == null ? 1 : 9;
        r.r3 = h.seq == 1 && h.prim == 7 ? 10 + older : 99;
        r.r4 = cell.keep() >= 1 ? 1 : 0;
    }
}
