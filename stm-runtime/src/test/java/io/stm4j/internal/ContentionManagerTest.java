package io.stm4j.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.stm4j.Stm;
import io.stm4j.Store;
import io.stm4j.Value;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The priority gate: commits wait for a privileged transaction only while its thread runs, only
 * until its lease ends (not once per commit), and never on the holder's own thread. The holders
 * here are transactions whose bodies never commit, so nothing else can end their lease. Leases are
 * a second long ({@link #LONG}) where a check must happen while one runs, so that a slow machine
 * cannot end them early.
 */
class ContentionManagerTest {
    /** A longest attempt that gives a lease of 1 s. */
    private static final long LONG = TimeUnit.MILLISECONDS.toNanos(250);

    private final Store store = Store.create();
    private final SpinningHolder holder = new SpinningHolder();

    @AfterEach
    void stopTheHolder() throws InterruptedException {
        holder.close();
    }

    @Test
    void commitsWaitForARunningHolderThatNeverCommitsOnlyUntilItsLeaseEnds() throws Exception {
        assertThat(holder.prioritize(LONG)).isTrue();
        long before = ContentionManager.deferredCommits();
        for (int i = 0; i < 200; i++) {
            increment();
        }
        assertThat(ContentionManager.deferredCommits() - before)
                .as("commits that waited for the stalled holder: the first, until the lease ended").isEqualTo(1L);
        assertThat(ContentionManager.mayCommit(new Txn())).as("the gate is still held, only its lease is over").isFalse();
        assertThat(store.<Integer>useVar("k").get()).isEqualTo(200);

        // the holder's next attempt renews its lease: the next commit waits again
        assertThat(holder.prioritize(LONG)).isTrue();
        increment();
        assertThat(ContentionManager.deferredCommits() - before).isEqualTo(2L);
    }

    @Test
    void commitsDoNotWaitForAHolderWhoseThreadIsParked() throws Exception {
        AtomicReference<Txn> parkedHolder = new AtomicReference<>();
        CountDownLatch prioritized = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        Thread parked = new Thread(() -> {
            parkedHolder.set(new Txn()); // a transaction belongs to the thread that makes it
            ContentionManager.tryPrioritize(parkedHolder.get(), LONG);
            prioritized.countDown();
            try {
                done.await(); // a privileged body waiting for another thread
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "privileged-and-parked");
        parked.setDaemon(true);
        parked.start();
        try {
            assertThat(prioritized.await(60, TimeUnit.SECONDS)).isTrue();
            while (parked.getState() != Thread.State.WAITING) {
                assertThat(parked.isAlive()).isTrue();
                Thread.yield();
            }
            long before = ContentionManager.deferredCommits();
            for (int i = 0; i < 200; i++) {
                increment();
            }
            assertThat(ContentionManager.deferredCommits() - before).as("commits that waited").isZero();
            assertThat(ContentionManager.mayCommit(new Txn())).as("it still holds the gate").isFalse();
        } finally {
            done.countDown();
            parked.join(60_000);
            if (parkedHolder.get() != null) {
                ContentionManager.release(parkedHolder.get());
            }
        }
        assertThat(parked.isAlive()).isFalse();
    }

    @Test
    void aCommitOnTheHoldersOwnThreadDoesNotWaitForIt() {
        Txn own = new Txn();
        assertThat(ContentionManager.tryPrioritize(own, LONG)).isTrue();
        try {
            long before = ContentionManager.deferredCommits();
            increment(); // as a hook of the privileged transaction would, on the thread's spare transaction
            assertThat(ContentionManager.deferredCommits() - before).as("commits that waited").isZero();
        } finally {
            ContentionManager.release(own);
        }
    }

    @Test
    void aTransactionThatKeepsLosingTakesOverAGateWhoseLeaseHasEnded() throws Exception {
        Txn other = new Txn();
        assertThat(holder.prioritize(LONG)).isTrue();
        assertThat(ContentionManager.tryPrioritize(other, LONG)).as("taken while the lease runs").isFalse();
        increment(); // returns once the lease has ended
        assertThat(ContentionManager.tryPrioritize(other, LONG)).as("taken over after the lease").isTrue();
        try {
            assertThat(ContentionManager.mayCommit(other)).isTrue();
            assertThat(ContentionManager.mayCommit(holder.txn)).isFalse();
            assertThat(holder.prioritize(LONG)).as("the old holder does not get it back").isFalse();
            ContentionManager.release(holder.txn);
            assertThat(ContentionManager.mayCommit(other)).as("the old holder's release leaves the new one's gate").isTrue();
            assertThat(ContentionManager.mayCommit(holder.txn)).isFalse();
        } finally {
            ContentionManager.release(other);
        }
    }

    @Test
    void anInterruptedThreadDoesNotWaitAndKeepsItsFlag() throws Exception {
        assertThat(holder.prioritize(LONG)).isTrue();
        Thread.currentThread().interrupt();
        try {
            long before = ContentionManager.deferredCommits();
            increment();
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

    private void increment() {
        Stm.atomic(() -> {
            Value<Integer> v = store.useVar("k");
            Integer old = v.get();
            v.set(old == null ? 1 : old + 1);
            v.commit();
        });
    }

    /**
     * A privileged transaction's thread that runs and never commits: it takes or renews the gate on
     * request, and spins (RUNNABLE) in between, like a body that computes.
     */
    private static final class SpinningHolder {
        volatile Txn txn;
        private final Thread thread;
        private volatile long requested;
        private volatile long served;
        private volatile long longest;
        private volatile boolean taken;
        private volatile boolean stop;

        SpinningHolder() {
            thread = new Thread(() -> {
                txn = new Txn(); // a transaction belongs to the thread that makes it
                while (!stop) {
                    if (served != requested) {
                        taken = ContentionManager.tryPrioritize(txn, longest);
                        served = requested;
                    }
                    Thread.onSpinWait();
                }
            }, "privileged-and-running");
            thread.setDaemon(true);
            thread.start();
        }

        /** @return whether the holder's thread took or renewed the gate */
        boolean prioritize(long longestAttemptNanos) throws InterruptedException {
            longest = longestAttemptNanos;
            long r = requested + 1;
            requested = r;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (served != r) {
                assertThat(System.nanoTime() - deadline).as("holder thread answered").isNegative();
                Thread.onSpinWait();
            }
            return taken;
        }

        void close() throws InterruptedException {
            stop = true;
            thread.join(60_000);
            assertThat(thread.isAlive()).isFalse();
            if (txn != null) {
                ContentionManager.release(txn);
            }
        }
    }
}
