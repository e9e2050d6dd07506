package io.stm4j.internal;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * Cell publication: a one-cell commit outside a transaction ({@link NonTxn#write}) publishes a
 * complete head.
 *
 * <p>Memory-model claim: the install writes the head's fields in place between a store of
 * {@link CellHead#meta} marked {@link CellHead#INSTALLING} and the release store of the new
 * {@code meta}, and {@link NonTxn#latest} takes the fields only between two equal loads of
 * {@code meta} that are not installing (the seqlock of {@link Cell}). So a reader that gets the new
 * head sees every field of it (value, primitive bits, seq, stamp) and, by the release/acquire
 * edge on {@code meta}, the writer's plain writes to the value object made before the commit. A
 * reader therefore sees either the old version or the new one, complete: never a new seq with an
 * old value, a missing stamp, or a half-initialised value object.
 *
 * <p>Result: seq, primitive bits, whether the stamp is set (1) or not (0), and the value object's
 * plain field (-1 when the value is null).
 */
@JCStressTest
@Outcome(id = "0, 0, 0, -1", expect = ACCEPTABLE, desc = "the initial version")
@Outcome(id = "1, 7, 1, 42", expect = ACCEPTABLE, desc = "the committed version, complete")
@Outcome(expect = FORBIDDEN, desc = "a torn or incompletely published version")
@State
public class CellPublicationTest {

    /** A value object with a plain (non-final, non-volatile) field. */
    static final class Payload {
        int x;
    }

    final Cell cell = new Cell("x", null, 0L);

    @Actor
    public void writer() {
        Payload p = new Payload();
        p.x = 42;
        NonTxn.write(Txn.current(), cell, p, 7L);
    }

    @Actor
    public void reader(IIII_Result r) {
        Version v = NonTxn.latest(cell, -1);
        r.r1 = (int) v.seq;
        r.r2 = (int) v.prim;
        r.r3 = v.stamp > 0 ? 1 : 0;
        r.r4 = v.ref == null ? -1 : ((Payload) v.ref).x;
    }
}
