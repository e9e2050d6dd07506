package io.stm4j.internal;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * The head read in place: a cell's newest version lives in the cell's own fields, which every
 * install overwrites ({@link Cell#install}), so a reader must never pair a value with another
 * write's key version.
 *
 * <p>Memory-model claim: an install stores {@link Cell#meta} with {@link Cell#INSTALLING} set,
 * then (after a store-store fence) the value and key version, then the new {@code meta} with a
 * release store; a reader loads {@code meta} (volatile), the fields, and after a load-load fence
 * {@code meta} again, and takes the fields only if both loads are equal and not installing. So
 * each of the three read paths returns a value with its own key version: a read-only
 * transaction's snapshot read ({@link Txn#readRefWithSeq}, which takes the value and key version
 * from one read; no validation at commit), a read-write transaction's (validated), and a read
 * outside any transaction ({@link NonTxn#latest}).
 *
 * <p>The writer commits value 1 (key version 1), then value 2 (key version 2). The reader reads
 * by each path in turn; each result is {@code value * 10 + key version} as that path saw them:
 * the value and version must agree, and (each read being linearizable) no read may see an older
 * version than the read before it.
 */
@JCStressTest
@Outcome(id = {"0, 0, 0", "0, 0, 11", "0, 0, 22", "0, 11, 11", "0, 11, 22", "0, 22, 22", "11, 11, 11", "11, 11, 22",
        "11, 22, 22", "22, 22, 22"},
        expect = ACCEPTABLE, desc = "every path read a value with its own key version, none older than the one before")
@Outcome(expect = FORBIDDEN, desc = "a value paired with another write's key version, or a read going back in time")
@State
public class HeadSeqlockTest {

    /** Initially null (0) at key version 0. */
    final Cell cell = new Cell("x", null, 0L);

    @Actor
    public void writer() {
        Txn t = Txn.current();
        NonTxn.write(t, cell, 1L, 0L);
        NonTxn.write(t, cell, 2L, 0L);
    }

    /** Three reads one after the other (two actors: CI machines have two cores). */
    @Actor
    public void reader(III_Result r) {
        r.r1 = readInTransaction(true);
        r.r2 = readInTransaction(false);
        Version v = NonTxn.latest(cell, -1);
        r.r3 = (int) (v.ref == null ? v.seq : (Long) v.ref * 10 + v.seq);
    }

    private int readInTransaction(boolean readOnly) {
        return Transactions.atomic(() -> {
            Txn t = Txn.current();
            long[] seq = new long[1];
            Object value = t.readRefWithSeq(cell, seq);
            return (int) (value == null ? seq[0] : (Long) value * 10 + seq[0]);
        }, -1, -1L, readOnly);
    }
}
