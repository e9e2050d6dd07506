package io.stm4j.internal;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.stm4j.Stm;
import io.stm4j.Store;
import io.stm4j.Value;
import java.util.Map;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Commit atomicity through the keyed store: a {@link Stm#atomic} transaction commits keys x and y
 * together while another thread, outside any transaction, exports both with
 * {@code Store.export("x", "y")}.
 *
 * <p>Memory-model claim: {@code export} reads every key at one clock value and waits for a cell
 * locked by a commit that may belong to that snapshot, so it returns both committed values or
 * neither. Integer values are published through the cells' volatile heads, so a value seen is
 * a complete object.
 */
@JCStressTest
@Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "the snapshot is before the commit")
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "the snapshot is after the commit")
@Outcome(id = {"1, 0", "0, 1"}, expect = FORBIDDEN, desc = "torn commit: one key seen without the other")
@Outcome(expect = FORBIDDEN, desc = "a value nobody wrote")
@State
public class StoreCommitAtomicityTest {

    final Store store = Store.create();

    public StoreCommitAtomicityTest() {
        // Both keys exist before the actors start; StoreKeyCreationLinearizabilityTest (stm-runtime)
        // is about exports racing with key creation.
        store.using("x", "y");
    }

    @Actor
    public void writer() {
        Stm.atomic(() -> {
            Value<Integer> x = store.useVar("x");
            Value<Integer> y = store.useVar("y");
            x.set(1);
            x.commit();
            y.set(1);
            y.commit();
        });
    }

    @Actor
    public void reader(II_Result r) {
        Map<String, Object> m = store.export("x", "y");
        r.r1 = m.get("x") == null ? 0 : (Integer) m.get("x");
        r.r2 = m.get("y") == null ? 0 : (Integer) m.get("y");
    }
}
