package io.stm4j.internal;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Mode;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.Signal;
import org.openjdk.jcstress.annotations.State;

/**
 * No lost wake-up in {@code Stm.retry()}: a transaction that read 0 and called retry must wake up
 * when a concurrent commit sets the cell to 1, however the two interleave.
 *
 * <p>Memory-model claim: the waiter raises the waiter count and then reads the cell's lock word
 * and head; a commit locks the cell and ticks the clock (full fences) and then reads the waiter
 * count, before it installs. At least one of the two sees the other's store: the commit wakes
 * the waiter, or the waiter sees the cell locked or already changed and re-runs. The commit
 * itself pays no fence for this (its unlock and install are release stores), which is what the
 * test guards. Staying blocked is a lost wake-up: forbidden.
 *
 * <p>The signal is a transaction here; {@link PlainWrite} signals with a write outside any
 * transaction, which takes the same path through {@code NonTxn.write}.
 */
@JCStressTest(Mode.Termination)
@Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "woken by the commit, or saw it before sleeping")
@Outcome(id = "STALE", expect = FORBIDDEN, desc = "lost wake-up: blocked although the cell changed")
@State
public class RetryWakeUpTest {

    final Cell cell = new Cell("flag", null, 0L);

    static void awaitNonZero(Cell cell) {
        Transactions.atomic(() -> {
            Txn t = Txn.current();
            if (t.readPrim(cell) == 0L) {
                throw t.requestRetry();
            }
        }, -1, -1L, false);
    }

    @Actor
    public void waiter() {
        awaitNonZero(cell);
    }

    @Signal
    public void signal() {
        Transactions.atomic(() -> Txn.current().writePrim(cell, 1L), -1, -1L, false);
    }

    /** The same with the cell set by a plain write outside any transaction. */
    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "woken by the write, or saw it before sleeping")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "lost wake-up: blocked although the cell changed")
    @State
    public static class PlainWrite {

        final Cell cell = new Cell("flag", null, 0L);

        @Actor
        public void waiter() {
            awaitNonZero(cell);
        }

        @Signal
        public void signal() {
            NonTxn.write(Txn.current(), cell, null, 1L);
        }
    }
}
