package io.stm4j.internal;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.util.concurrent.TimeUnit;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Visible reads ({@link ContentionManager}): a privileged reader marks a cell and then loads its
 * lock word and head; a committer locks the cell and then loads the gate and the mark. All four
 * accesses are volatile, so at least one of the two sees the other (Dekker): the committer defers
 * (does not publish), or the reader sees the cell locked or already holding the new value. A
 * reader that read the old value of an unlocked cell while the committer published without
 * deferring — a marked read gone stale — is forbidden.
 *
 * <p>The committer runs the protocol's steps of {@link Commit} up to the decision (lock, check the
 * marks, install or not, unlock) instead of {@code Commit.run}, which would wait for the tenure.
 * The tenure belongs to a transaction of no actor's thread and its lease lasts the whole run.
 *
 * <p>Result: what the reader saw (0 the old value, 1 the new one, 2 the cell locked), and whether
 * the committer deferred (1) or published (0).
 */
@JCStressTest
@Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "marked first: the committer defers")
@Outcome(id = "2, 1", expect = ACCEPTABLE, desc = "both saw each other: the reader waits for a lock that will not publish")
@Outcome(id = "2, 0", expect = ACCEPTABLE, desc = "the reader sees the committer's lock: it waits for the commit")
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "committed first: the reader sees the new value")
@Outcome(id = "0, 0", expect = FORBIDDEN, desc = "a marked read went stale: the committer missed the mark")
@State
public class MarkedReadTest {
    /** The privileged transaction: of a thread of its own, which is neither actor's. */
    private static final Txn HOLDER = holder();
    private static final long TICKET = ContentionManager.tryPrioritizeFor(HOLDER, TimeUnit.HOURS.toNanos(1));
    /** The committer's identity (the lock owner); one for every state, used by the committer actor only. */
    private static final Txn COMMITTER = new Txn();

    static {
        if (TICKET == 0L) {
            throw new IllegalStateException("the priority gate is taken");
        }
    }

    private static Txn holder() {
        Maker m = new Maker();
        Thread t = new Thread(m, "privileged");
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
        return m.made;
    }

    /** Makes the holder's transaction on its thread; a class of its own (a lambda would wait for this class's initialisation). */
    private static final class Maker implements Runnable {
        volatile Txn made;

        @Override
        public void run() {
            made = new Txn();
        }
    }

    final Cell cell = new Cell("x", null, 0L);
    final Cell[] cells = {cell};

    @Actor
    public void privilegedReader(II_Result r) {
        ContentionManager.mark(cell, TICKET);
        Txn o = cell.owner;
        r.r1 = o != null ? 2 : (int) cell.head().prim;
    }

    @Actor
    public void committer(II_Result r) {
        if (!cell.tryLock(COMMITTER)) {
            throw new AssertionError("only this actor locks");
        }
        long deferTo = ContentionManager.mustDefer(COMMITTER, cells, 1);
        if (deferTo == 0L) {
            cell.install(null, 1L, GlobalClock.tick());
        }
        cell.unlock();
        r.r2 = deferTo != 0L ? 1 : 0;
    }
}
