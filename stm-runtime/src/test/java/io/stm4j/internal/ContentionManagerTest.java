package io.stm4j.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.stm4j.Stm;
import io.stm4j.Store;
import io.stm4j.Value;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The priority gate and its marks: a commit waits for a privileged transaction only when it has
 * locked a cell that transaction marked, whatever the holder's thread does meanwhile (runs or is
 * parked), only until the lease ends (not once per commit), never on the holder's own thread and
 * never for an old tenure's marks. The holders here never commit, so nothing but the lease ends
 * their tenure. Leases are a second long ({@link #LONG}) where a check must happen while one
 * runs, so that a slow machine cannot end them early.
 */
class ContentionManagerTest {
    /** A longest attempt that gives a lease of 1 s. */
    private static final long LONG = TimeUnit.MILLISECONDS.toNanos(250);

    private final VersionedStore store = (VersionedStore) Store.create();
    private final Holder holder = new Holder(false);

    @AfterEach
    void stopTheHolder() throws InterruptedException {
        holder.close();
    }

    @Test
    void commitsToAMarkedCellWaitForARunningHolderOnlyUntilItsLeaseEnds() throws Exception {
        holder.prioritizeAndMark(LONG, store.cell("k"));
        long before = ContentionManager.deferredCommits();
        for (int i = 0; i < 200; i++) {
            increment("k");
        }
        assertThat(ContentionManager.deferredCommits() - before)
                .as("commits that waited for the stalled holder: the first, until the lease ended").isEqualTo(1L);
        assertThat(ContentionManager.holder()).as("the gate is still held, only its lease is over").isSameAs(holder.txn);
        assertThat(store.<Integer>useVar("k").get()).isEqualTo(200);

        // the holder's next attempt renews its lease, with a ticket of its own: the cell counts
        // again only once that attempt has read it
        holder.prioritizeAndMark(LONG);
        increment("k");
        assertThat(ContentionManager.deferredCommits() - before).as("read by an earlier attempt only").isEqualTo(1L);
        holder.prioritizeAndMark(LONG, store.cell("k"));
        increment("k");
        assertThat(ContentionManager.deferredCommits() - before).isEqualTo(2L);
    }

    @Test
    void commitsToCellsTheHolderNeverMarkedDoNotWaitForIt() throws Exception {
        holder.prioritizeAndMark(LONG, store.cell("read-by-the-holder"));
        long before = ContentionManager.deferredCommits();
        for (int i = 0; i < 200; i++) {
            increment("k" + (i % 7));
        }
        assertThat(ContentionManager.deferredCommits() - before).as("commits that waited").isZero();
        assertThat(ContentionManager.holder()).isSameAs(holder.txn);
    }

    @Test
    void commitsToAMarkedCellWaitForAHolderWhoseThreadIsParkedUntilItsLeaseEnds() throws Exception {
        Holder parked = new Holder(true);
        try {
            parked.prioritizeAndMark(LONG, store.cell("k"));
            parked.awaitParked();
            long before = ContentionManager.deferredCommits();
            for (int i = 0; i < 50; i++) {
                increment("k");
                increment("other");
            }
            assertThat(ContentionManager.deferredCommits() - before)
                    .as("commits that waited for the parked holder: the first to its cell, until the lease ended")
                    .isEqualTo(1L);
            assertThat(ContentionManager.tenure().leaseRuns()).as("the wait lasted until the lease ended").isFalse();
            assertThat(ContentionManager.holder()).as("still the holder, parked").isSameAs(parked.txn);
            assertThat(store.<Integer>useVar("k").get()).isEqualTo(50);
        } finally {
            parked.close();
        }
    }

    @Test
    void aCommitOnTheHoldersOwnThreadDoesNotWaitForIt() {
        Txn own = new Txn();
        long ticket = ContentionManager.tryPrioritize(own, LONG);
        assertThat(ticket).isNotZero();
        try {
            ContentionManager.mark(store.cell("k"), ticket);
            long before = ContentionManager.deferredCommits();
            increment("k"); // as a hook of the privileged transaction would, on the thread's spare transaction
            assertThat(ContentionManager.deferredCommits() - before).as("commits that waited").isZero();
        } finally {
            ContentionManager.release(own);
        }
    }

    @Test
    void aTransactionThatKeepsLosingTakesOverAGateWhoseLeaseHasEndedAndTheOldMarksStopCounting() throws Exception {
        Holder other = new Holder(false); // its own thread: commits of this thread do defer to it
        try {
            long old = holder.prioritizeAndMark(LONG, store.cell("k"));
            assertThat(other.prioritizeAndMark(LONG)).as("taken while the lease runs").isZero();
            increment("k"); // returns once the lease has ended
            long ticket = other.prioritizeAndMark(LONG, store.cell("mine"));
            assertThat(ticket).as("taken over after the lease").isNotZero().isNotEqualTo(old);
            assertThat(ContentionManager.holder()).isSameAs(other.txn);
            assertThat(ContentionManager.holds(holder.txn, old)).isFalse();
            long before = ContentionManager.deferredCommits();
            increment("k");
            assertThat(ContentionManager.deferredCommits() - before).as("waits for the old tenure's mark").isZero();
            assertThat(holder.prioritizeAndMark(LONG)).as("the old holder does not get it back").isZero();
            ContentionManager.release(holder.txn);
            assertThat(ContentionManager.holder()).as("the old holder's release leaves the new one's gate")
                    .isSameAs(other.txn);
            increment("mine");
            assertThat(ContentionManager.deferredCommits() - before).as("waits for the new holder's mark").isEqualTo(1L);
        } finally {
            other.close();
        }
        assertThat(ContentionManager.holder()).isNull();
    }

    @Test
    void anInterruptedThreadDoesNotWaitAndKeepsItsFlag() throws Exception {
        holder.prioritizeAndMark(LONG, store.cell("k"));
        Thread.currentThread().interrupt();
        try {
            long before = ContentionManager.deferredCommits();
            increment("k");
            assertThat(ContentionManager.deferredCommits() - before).as("commits that waited").isZero();
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void theLeaseIsFourTimesTheHoldersLongestAttemptWithinBounds() {
        assertThat(ContentionManager.lease(0L)).isEqualTo(ContentionManager.MIN_LEASE_NANOS);
        assertThat(ContentionManager.lease(TimeUnit.MILLISECONDS.toNanos(100))).isEqualTo(TimeUnit.MILLISECONDS.toNanos(400));
        assertThat(ContentionManager.lease(TimeUnit.MINUTES.toNanos(1))).isEqualTo(ContentionManager.MAX_LEASE_NANOS);
    }

    private void increment(String key) {
        Stm.atomic(() -> {
            Value<Integer> v = store.useVar(key);
            Integer old = v.get();
            v.set(old == null ? 1 : old + 1);
            v.commit();
        });
    }

    /**
     * A privileged transaction's thread that never commits: on request it takes or renews the gate
     * and marks cells, as its reads would; in between it spins (RUNNABLE, a body that computes) or
     * parks (WAITING, a body that blocks).
     */
    private static final class Holder {
        volatile Txn txn;
        private final Thread thread;
        private final boolean parks;
        private volatile long requested;
        private volatile long served;
        private volatile long longest;
        private volatile Cell[] toMark = new Cell[0];
        private final AtomicLong ticket = new AtomicLong();
        private volatile boolean stop;
        private final CountDownLatch started = new CountDownLatch(1);

        Holder(boolean parks) {
            this.parks = parks;
            thread = new Thread(this::run, parks ? "privileged-and-parked" : "privileged-and-running");
            thread.setDaemon(true);
            thread.start();
        }

        private void run() {
            txn = new Txn(); // a transaction belongs to the thread that makes it
            started.countDown();
            while (!stop) {
                if (served != requested) {
                    long t = ContentionManager.tryPrioritize(txn, longest);
                    for (Cell c : toMark) {
                        if (t != 0L) {
                            ContentionManager.mark(c, t);
                        }
                    }
                    ticket.set(t);
                    served = requested;
                }
                if (parks) {
                    java.util.concurrent.locks.LockSupport.park(this);
                } else {
                    Thread.onSpinWait();
                }
            }
        }

        /** @return the ticket of the holder's tenure (0: it did not get the gate) */
        long prioritizeAndMark(long longestAttemptNanos, Cell... cells) throws InterruptedException {
            assertThat(started.await(60, TimeUnit.SECONDS)).isTrue();
            longest = longestAttemptNanos;
            toMark = cells;
            long r = requested + 1;
            requested = r;
            java.util.concurrent.locks.LockSupport.unpark(thread);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (served != r) {
                assertThat(System.nanoTime() - deadline).as("holder thread answered").isNegative();
                Thread.onSpinWait();
            }
            return ticket.get();
        }

        void awaitParked() {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (thread.getState() != Thread.State.WAITING) {
                assertThat(thread.isAlive()).isTrue();
                assertThat(System.nanoTime() - deadline).as("holder thread parked").isNegative();
                Thread.yield();
            }
        }

        void close() throws InterruptedException {
            stop = true;
            java.util.concurrent.locks.LockSupport.unpark(thread);
            thread.join(60_000);
            assertThat(thread.isAlive()).isFalse();
            if (txn != null) {
                ContentionManager.release(txn);
            }
        }
    }
}
