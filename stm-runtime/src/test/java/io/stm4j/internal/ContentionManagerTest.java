package io.stm4j.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.stm4j.Stm;
import io.stm4j.Store;
import io.stm4j.Value;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The priority gate: commits wait for a privileged transaction only while its thread runs, and only
 * until its lease ends, not once per commit. The holders here are transactions that never run, so
 * nothing else can end their lease.
 */
class ContentionManagerTest {
    private final Txn holder = new Txn();
    private final Store store = Store.create();

    @AfterEach
    void releaseTheGate() {
        ContentionManager.release(holder);
    }

    @Test
    void commitsWaitForAHolderThatNeverCommitsOnlyUntilItsLeaseEnds() {
        assertThat(ContentionManager.tryPrioritize(holder, 0L)).isTrue();
        long before = ContentionManager.deferredCommits();
        for (int i = 0; i < 200; i++) {
            increment("k");
        }
        assertThat(ContentionManager.deferredCommits() - before)
                .as("commits that waited for the stalled holder: the first, until the lease ended").isEqualTo(1L);
        assertThat(ContentionManager.mayCommit(new Txn())).as("the gate is still held, only its lease is over").isFalse();
        assertThat(store.<Integer>useVar("k").get()).isEqualTo(200);

        // the holder's next attempt renews its lease: the next commit waits again
        assertThat(ContentionManager.tryPrioritize(holder, 0L)).isTrue();
        increment("k");
        assertThat(ContentionManager.deferredCommits() - before).isEqualTo(2L);
    }

    @Test
    void commitsDoNotWaitForAHolderWhoseThreadIsParked() throws Exception {
        CountDownLatch prioritized = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        Thread parked = new Thread(() -> {
            ContentionManager.tryPrioritize(holder, TimeUnit.SECONDS.toNanos(1));
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
                increment("k");
            }
            assertThat(ContentionManager.deferredCommits() - before).as("commits that waited").isZero();
            assertThat(ContentionManager.mayCommit(new Txn())).as("it still holds the gate").isFalse();
        } finally {
            done.countDown();
            parked.join(60_000);
        }
        assertThat(parked.isAlive()).isFalse();
    }

    @Test
    void aTransactionThatKeepsLosingTakesOverAGateWhoseLeaseHasEnded() {
        Txn other = new Txn();
        assertThat(ContentionManager.tryPrioritize(holder, 0L)).isTrue();
        assertThat(ContentionManager.tryPrioritize(other, 0L)).as("taken while the lease runs").isFalse();
        increment("k"); // returns once the lease has ended
        assertThat(ContentionManager.tryPrioritize(other, 0L)).as("taken over after the lease").isTrue();
        assertThat(ContentionManager.mayCommit(other)).isTrue();
        assertThat(ContentionManager.mayCommit(holder)).isFalse();
        assertThat(ContentionManager.tryPrioritize(holder, 0L)).as("the old holder does not get it back").isFalse();
        ContentionManager.release(other);
    }

    @Test
    void anInterruptedThreadDoesNotWaitAndKeepsItsFlag() {
        assertThat(ContentionManager.tryPrioritize(holder, TimeUnit.SECONDS.toNanos(1))).isTrue();
        Thread.currentThread().interrupt();
        try {
            long before = ContentionManager.deferredCommits();
            Stm.atomic(() -> {
                Value<Integer> v = store.useVar("k");
                v.set(1);
                v.commit();
            });
            assertThat(ContentionManager.deferredCommits() - before).as("commits that waited").isZero();
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
        assertThat(ContentionManager.mayCommit(new Txn())).as("the lease of a second still runs").isFalse();
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
}
