package io.stm4j.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stm4j.BusyRetry;
import io.stm4j.Changeset;
import io.stm4j.CommitOutcomeUnknown;
import io.stm4j.RetryTimeoutExceeded;
import io.stm4j.Stm;
import io.stm4j.Store;
import io.stm4j.Value;
import io.stm4j.etcd.local.EtcdClusterExtension;
import io.stm4j.etcd.local.LocalEtcdCluster;
import io.stm4j.internal.Transactions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A bank on a 3-member cluster of its own while members die, quorum goes and comes back, and the
 * history is compacted under it. Every transfer also writes a record key of its own in the same
 * transaction, so that the end state says what was applied: the total is conserved, every
 * transfer that returned is recorded, each account's balance is exactly what the records say
 * (a transfer applied twice would move money twice under one record), and every commit that got
 * no answer was settled (committed, or provably not) unless there was no quorum to ask.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EtcdFaultsTest {
    @RegisterExtension
    static final EtcdClusterExtension ETCD = EtcdClusterExtension.threeMembers();

    private static final int ACCOUNTS = 8;
    private static final int START = 1_000;
    private static final AtomicInteger NAMESPACES = new AtomicInteger();

    private final List<EtcdStore> opened = new ArrayList<>();
    private final String namespace = "faults" + System.nanoTime() + "x" + NAMESPACES.incrementAndGet();

    private EtcdStore open(Duration timeout) {
        EtcdStore s = EtcdStore.builder().endpoints(ETCD.endpoints().toArray(new String[0])).namespace(namespace)
                .requestTimeout(timeout).build();
        opened.add(s);
        return s;
    }

    @AfterEach
    void close() {
        opened.forEach(EtcdStore::close);
    }

    /** One transfer, with the record of it, in one transaction. */
    private static void transfer(Store s, String id, int from, int to, int amount, AtomicInteger attempts) {
        Stm.atomic(() -> {
            attempts.incrementAndGet();
            Changeset c = s.using(account(from), account(to));
            Value<Integer> a = c.get(account(from));
            Value<Integer> b = c.get(account(to));
            a.set(a.get() - amount);
            b.set(b.get() + amount);
            c.commit();
            Value<String> record = s.useVar("t/" + id);
            record.set(from + ">" + to + ":" + amount);
            record.commit();
        });
    }

    private static String account(int i) {
        return "acct/" + i;
    }

    private static void seed(Store s) {
        Changeset c = s.using(accounts());
        for (String k : c.keys()) {
            c.<Integer>get(k).set(START);
        }
        c.commit();
    }

    private static String[] accounts() {
        String[] ks = new String[ACCOUNTS];
        for (int i = 0; i < ACCOUNTS; i++) {
            ks[i] = account(i);
        }
        return ks;
    }

    /** What a run of transfers reported. */
    private static final class Ledger {
        final Set<String> committed = ConcurrentHashMap.newKeySet();
        final Set<String> unknown = ConcurrentHashMap.newKeySet();
        final AtomicInteger busy = new AtomicInteger();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
    }

    /**
     * {@code threads} threads each make {@code each} transfers (counting attempts); {@code atThird} and
     * {@code atTwoThirds} run once each, on the worker that gets there first.
     */
    private static Ledger run(Store s, int threads, int each, AtomicInteger attempts, Runnable atThird, Runnable atTwoThirds)
            throws InterruptedException {
        Ledger ledger = new Ledger();
        AtomicInteger done = new AtomicInteger();
        int total = threads * each;
        AtomicInteger stage = new AtomicInteger();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int worker = t;
            Thread th = new Thread(() -> {
                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                try {
                    for (int i = 0; i < each; i++) {
                        int from = rnd.nextInt(ACCOUNTS);
                        int to = (from + 1 + rnd.nextInt(ACCOUNTS - 1)) % ACCOUNTS;
                        String id = worker + "-" + i;
                        try {
                            transfer(s, id, from, to, 1 + rnd.nextInt(50), attempts);
                            ledger.committed.add(id);
                        } catch (CommitOutcomeUnknown e) {
                            ledger.unknown.add(id);
                        } catch (BusyRetry e) {
                            ledger.busy.incrementAndGet();
                        }
                        int n = done.incrementAndGet();
                        if (n >= total / 3 && stage.compareAndSet(0, 1)) {
                            atThird.run();
                        } else if (n >= 2 * total / 3 && stage.compareAndSet(1, 2)) {
                            atTwoThirds.run();
                        }
                    }
                } catch (Throwable e) {
                    ledger.failure.compareAndSet(null, e);
                }
            }, "transfers-" + t);
            workers.add(th);
            th.start();
        }
        for (Thread th : workers) {
            th.join(TimeUnit.SECONDS.toMillis(90));
            assertThat(th.isAlive()).as(th.getName() + " still running").isFalse();
        }
        assertThat(ledger.failure.get()).as("a transfer failed").isNull();
        return ledger;
    }

    /** The end state against the ledger: see the class comment. */
    private static void audit(EtcdStore s, Ledger ledger) {
        Map<String, Object> all = s.export();
        int total = 0;
        Map<Integer, Integer> expected = new HashMap<>();
        for (int i = 0; i < ACCOUNTS; i++) {
            total += (Integer) all.get(account(i));
            expected.put(i, START);
        }
        assertThat(total).as("total").isEqualTo(ACCOUNTS * START);
        Set<String> recorded = new java.util.HashSet<>();
        all.forEach((k, v) -> {
            if (k.startsWith("t/")) {
                recorded.add(k.substring(2));
                String[] parts = ((String) v).split("[>:]");
                int from = Integer.parseInt(parts[0]);
                int to = Integer.parseInt(parts[1]);
                int amount = Integer.parseInt(parts[2]);
                expected.merge(from, -amount, Integer::sum);
                expected.merge(to, amount, Integer::sum);
            }
        });
        assertThat(recorded).as("every transfer that returned is recorded").containsAll(ledger.committed);
        Set<String> beyond = new java.util.HashSet<>(recorded);
        beyond.removeAll(ledger.committed);
        assertThat(ledger.unknown).as("a record not returned as committed must be an unknown outcome").containsAll(beyond);
        for (int i = 0; i < ACCOUNTS; i++) {
            assertThat(all.get(account(i))).as("balance of " + account(i) + " (a transfer applied twice or half)")
                    .isEqualTo(expected.get(i));
        }
    }

    private static String figures(EtcdStore s, Ledger l) {
        return "committed " + l.committed.size() + ", unknown " + l.unknown.size() + ", busy " + l.busy.get()
                + "; commits without an answer " + s.committer.unanswered.get() + ": settled as applied "
                + s.committer.resolvedCommitted.get() + ", as not applied " + s.committer.resolvedNotApplied.get()
                + ", unknown " + s.committer.unknown.get();
    }

    /** A store that talks to {@code first} until it stops answering. */
    private EtcdStore openTalkingTo(LocalEtcdCluster cluster, int first, Duration timeout) {
        List<String> order = new ArrayList<>();
        for (int i = 0; i < cluster.size(); i++) {
            order.add(cluster.endpoint((first + i) % cluster.size()));
        }
        EtcdStore s = EtcdStore.builder().endpoints(order.toArray(new String[0])).namespace(namespace).requestTimeout(timeout).build();
        opened.add(s);
        return s;
    }

    /**
     * Runs {@code fault} just as the {@code n}-th commit is about to be sent, given the member it
     * goes to: {@code inline}, on the committing thread, so that this commit meets the fault for
     * sure; else on a thread of its own, so that it meets commits in flight. The repair must
     * {@link FaultThread#await() wait} for it: on a loaded machine the fault's thread can lag
     * behind the workload.
     */
    private static FaultThread atCommit(EtcdStore s, int n, boolean inline, java.util.function.Consumer<String> fault) {
        AtomicReference<String> to = new AtomicReference<>();
        FaultThread f = new FaultThread(() -> fault.accept(to.get()));
        AtomicInteger commits = new AtomicInteger();
        s.gateway.fault = new Gateway.Fault() {
            @Override
            public boolean dropRequest(java.net.URI endpoint, String path, com.fasterxml.jackson.databind.JsonNode request) {
                if (isCommit(path, request) && commits.incrementAndGet() == n) {
                    to.set(endpoint.toString());
                    if (inline) {
                        f.run();
                    } else {
                        f.start();
                    }
                }
                return false;
            }
        };
        return f;
    }

    /**
     * Whether a request is a commit: a txn that puts. A transaction's read of several keys is a txn
     * too (of ranges only), sent as a read that moves on to the next member after its share of the
     * timeout; faulting the member such a read goes to could leave every commit untouched.
     */
    private static boolean isCommit(String path, com.fasterxml.jackson.databind.JsonNode request) {
        if (!path.equals("/v3/kv/txn")) {
            return false;
        }
        for (com.fasterxml.jackson.databind.JsonNode op : request.path("success")) {
            if (op.has("request_put")) {
                return true;
            }
        }
        return false;
    }

    /** The member of {@code cluster} at {@code endpoint}. */
    private static int memberOf(LocalEtcdCluster cluster, String endpoint) {
        for (int i = 0; i < cluster.size(); i++) {
            if (endpoint.startsWith(cluster.endpoint(i))) {
                return i;
            }
        }
        throw new AssertionError(endpoint + " is no member of the cluster");
    }

    /** A fault injected from a thread of its own, and what became of it. */
    private static final class FaultThread extends Thread {
        private final Runnable fault;
        private final CountDownLatch done = new CountDownLatch(1);
        private volatile Throwable failure;

        FaultThread(Runnable fault) {
            super("fault");
            this.fault = fault;
        }

        @Override
        public void run() {
            try {
                fault.run();
            } catch (Throwable e) {
                failure = e;
            } finally {
                done.countDown();
            }
        }

        /** Waits until the fault is in place; fails if it never was. */
        void await() {
            try {
                assertThat(done.await(30, TimeUnit.SECONDS)).as("the fault was injected within 30 s").isTrue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for the fault", e);
            }
            assertThat(failure).as("injecting the fault failed").isNull();
        }
    }

    @Test
    void theLeaderKilledMidWorkloadLosesNothingAndAppliesNothingTwice(LocalEtcdCluster cluster) throws Exception {
        int leader = cluster.leader();
        // The kill resets the connections at once; the timeout is what settling an answerless commit
        // may take, and that waits for the election of a new leader, seconds on a loaded machine.
        EtcdStore s = openTalkingTo(cluster, leader, Duration.ofSeconds(10));
        seed(s);
        FaultThread kill = atCommit(s, 50, false, endpoint -> cluster.kill(leader));
        Ledger ledger = run(s, 4, 40, new AtomicInteger(), () -> { }, () -> {
            kill.await();
            cluster.restart(leader);
            cluster.awaitHealthy(Duration.ofSeconds(30));
        });
        audit(s, ledger);
        System.out.println("leader killed mid-workload: " + figures(s, ledger));
        // one member of three died: there was always a quorum to settle every commit that got no answer
        assertThat(ledger.unknown).isEmpty();
        assertThat(s.committer.unknown.get()).isZero();
        assertThat(s.committer.resolvedCommitted.get() + s.committer.resolvedNotApplied.get())
                .isEqualTo(s.committer.unanswered.get());
        assertThat(ledger.committed).hasSize(160);
    }

    @Test
    void theLeaderFrozenMidWorkloadTimesOutCommitsThatAreAllSettled(LocalEtcdCluster cluster) throws Exception {
        int leader = cluster.leader();
        // Commits sent to the frozen member time out; settling one waits for the others to elect a
        // leader, which must fit in the same timeout even on a loaded machine.
        EtcdStore s = openTalkingTo(cluster, leader, Duration.ofSeconds(5));
        seed(s);
        // Inline: the 30th commit itself goes to the frozen member and gets no answer. (On a thread
        // of its own, a late freeze could come and go between two commits, and none would time out.)
        // The member frozen is the one that commit goes to: the leader, unless an election on a
        // loaded machine has moved the store to another.
        AtomicInteger frozen = new AtomicInteger(-1);
        FaultThread pause = atCommit(s, 30, true, endpoint -> {
            frozen.set(memberOf(cluster, endpoint));
            cluster.pause(frozen.get());
        });
        Ledger ledger = run(s, 4, 30, new AtomicInteger(), () -> { }, () -> {
            pause.await();
            // The other workers go on through the other members (their reads move on after a share of
            // the timeout) and can reach this point before the frozen commit times out: resuming the
            // member then would answer it late, and no commit would have gone unanswered.
            awaitCondition(() -> s.committer.unanswered.get() > 0, Duration.ofSeconds(30),
                    "the commit sent to the frozen member timing out");
            cluster.resume(frozen.get());
            cluster.awaitHealthy(Duration.ofSeconds(30));
        });
        audit(s, ledger);
        System.out.println("leader frozen mid-workload: " + figures(s, ledger));
        // every commit sent to the frozen member got no answer: each was settled through the others
        assertThat(s.committer.unanswered.get()).isPositive();
        assertThat(s.committer.unknown.get()).isZero();
        assertThat(s.committer.resolvedCommitted.get() + s.committer.resolvedNotApplied.get())
                .isEqualTo(s.committer.unanswered.get());
        assertThat(ledger.unknown).isEmpty();
        assertThat(ledger.committed).hasSize(120);
    }

    @Test
    void withQuorumLostCallsFailWithoutBlockingAndWorkResumesWhenItComesBack(LocalEtcdCluster cluster) throws Exception {
        EtcdStore s = open(Duration.ofMillis(1500));
        seed(s);
        Value<Integer> outside = s.useVar("outside");
        AtomicInteger attempts = new AtomicInteger();
        AtomicReference<String> seenWithoutQuorum = new AtomicReference<>();
        Ledger ledger = run(s, 3, 12, attempts, () -> {
            int leader = cluster.leader();
            int a = (leader + 1) % 3;
            int b = (leader + 2) % 3;
            cluster.kill(a);
            cluster.kill(b);
            // outside a transaction: BusyRetry within a few request timeouts, never a hang
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> s.useVar(account(0))).isInstanceOf(BusyRetry.class);
            outside.set(1);
            String commit;
            try {
                outside.commit();
                commit = "committed";
            } catch (BusyRetry | CommitOutcomeUnknown e) {
                commit = e.getClass().getSimpleName();
            }
            // inside a transaction with a time limit: it keeps re-running, then gives up
            assertThatThrownBy(() -> Transactions.atomic(() -> s.useVar(account(1)).get(), -1, 2_000L, false))
                    .isInstanceOf(RetryTimeoutExceeded.class).hasCauseInstanceOf(BusyRetry.class);
            seenWithoutQuorum.set("outside commit: " + commit + " after " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) + " ms");
            // the other workers keep re-running their transfers while there is no quorum
            int before = attempts.get();
            awaitCondition(() -> attempts.get() >= before + 4, Duration.ofSeconds(30), "workers re-running without quorum");
            cluster.restart(a);
            cluster.restart(b);
            cluster.awaitHealthy(Duration.ofSeconds(30));
        }, () -> { });
        audit(s, ledger);
        System.out.println("quorum lost and regained: " + figures(s, ledger) + "; without quorum, " + seenWithoutQuorum.get());
        assertThat(ledger.committed.size() + ledger.unknown.size() + ledger.busy.get()).isEqualTo(36);
        assertThat(ledger.committed).hasSizeGreaterThanOrEqualTo(30);
    }

    @Test
    void compactionUnderLoadRestartsAttemptsAndLosesNothing() throws Exception {
        EtcdStore s = open(Duration.ofSeconds(3));
        EtcdStore compactorStore = open(Duration.ofSeconds(3));
        seed(s);
        AtomicInteger attempts = new AtomicInteger();
        AtomicInteger compactions = new AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        AtomicReference<Throwable> compactorFailure = new AtomicReference<>();
        Thread compactor = new Thread(() -> {
            try {
                while (!stop.get() && compactions.get() < 500) {
                    if (EtcdTests.compactNow(compactorStore)) {
                        compactions.incrementAndGet();
                    }
                    java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5)); // pacing, not synchronisation
                }
            } catch (Throwable e) {
                compactorFailure.set(e);
            }
        }, "compactor");
        compactor.start();
        Ledger ledger;
        try {
            ledger = run(s, 3, 40, attempts, () -> { }, () -> { });
        } finally {
            stop.set(true);
            compactor.join(TimeUnit.SECONDS.toMillis(30));
        }
        assertThat(compactor.isAlive()).isFalse();
        assertThat(compactorFailure.get()).isNull();
        audit(s, ledger);
        System.out.println("compaction under load: " + compactions.get() + " compactions, " + attempts.get()
                + " attempts for 120 transfers; " + figures(s, ledger));
        assertThat(compactions.get()).isPositive();
        assertThat(ledger.committed).hasSize(120);
    }

    private static void awaitCondition(java.util.function.BooleanSupplier c, Duration max, String what) {
        long end = System.nanoTime() + max.toNanos();
        while (!c.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("timed out waiting for " + what);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }
}
