package io.stm4j.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stm4j.BusyRetry;
import io.stm4j.Changeset;
import io.stm4j.ConcurrentUpdate;
import io.stm4j.Stm;
import io.stm4j.Store;
import io.stm4j.Value;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The {@link Store} contract, run against every implementation: the in-memory store
 * ({@code Store.create()}) and {@link EtcdStore} on a 3-member cluster. They differ only where the
 * contract says: what a read of a missing key leaves behind ({@link #readsCreateKeys()}), and how
 * far a version moves per write (by one, or to the cluster's revision), so versions are compared
 * with each other here, never with numbers.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class StoreContract {

    /** @return a new, empty store of the implementation (a fresh namespace for etcd) */
    abstract Store store();

    /** @return another client of the same data as {@code s} (another connection for etcd; {@code s} itself in memory) */
    abstract Store otherClient(Store s);

    /** @return whether {@code useVar}/{@code using} of a missing key creates it (in memory) or writes nothing (etcd) */
    abstract boolean readsCreateKeys();

    // ------------------------------------------------------------------ the seed's documented scenarios

    @Test
    void greeting() {
        Store s = store();
        Value<String> greeting = s.useVar("hello");
        assertThat(greeting.get()).isNull();
        assertThat(greeting.version()).isZero();
        greeting.set("Hello World");
        greeting.commit();
        assertThat(greeting.version()).isPositive();
        assertThat(s.dump()).isEqualTo("hello " + greeting.version() + " Hello World\n");
        Value<String> again = s.useVar("hello");
        assertThat(again.get()).isEqualTo("Hello World");
        assertThat(again.version()).isEqualTo(greeting.version());
    }

    @Test
    void threeAccounts() {
        Store s = store();
        Changeset d = s.using("account_one", "account_two", "myaccount");
        d.<Integer>get("account_one").set(50);
        d.<Integer>get("account_two").set(100);
        d.<Integer>get("myaccount").set(0);
        d.commit();
        long v1 = d.get("account_one").version();
        assertThat(v1).isPositive();
        assertThat(d.get("account_two").version()).isEqualTo(v1); // one commit: one version for all
        assertThat(s.dump()).isEqualTo(lines("account_one " + v1 + " 50", "account_two " + v1 + " 100", "myaccount " + v1 + " 0"));

        Changeset e = s.using("account_one", "account_two", "myaccount");
        Value<Integer> one = e.get("account_one");
        Value<Integer> two = e.get("account_two");
        e.<Integer>get("myaccount").set(one.get() + two.get());
        one.set(0);
        two.set(0);
        e.commit();
        long v2 = e.get("myaccount").version();
        assertThat(v2).isGreaterThan(v1);
        assertThat(s.dump()).isEqualTo(lines("account_one " + v2 + " 0", "account_two " + v2 + " 0", "myaccount " + v2 + " 150"));
    }

    @Test
    void whatCanPossiblyGoWrong() {
        Store s = store();
        Changeset d = s.using("account_one", "account_two", "myaccount");
        d.<Integer>get("myaccount").set(0);
        d.<Integer>get("account_one").set(50);
        d.<Integer>get("account_two").set(100);
        d.commit(); // 1

        d = s.using("account_one", "account_two", "myaccount");
        d.<Integer>get("myaccount").set(d.<Integer>get("account_one").get() + d.<Integer>get("account_two").get());

        Changeset e = s.using("account_one", "myaccount");
        e.<Integer>get("myaccount").set(e.<Integer>get("myaccount").get() - 100);
        e.<Integer>get("account_one").set(100);
        e.commit(); // 2
        String afterSecond = s.dump();
        assertThat(withoutVersions(afterSecond)).isEqualTo(lines("account_one 100", "account_two 100", "myaccount -100"));

        d.<Integer>get("account_one").set(0);
        d.<Integer>get("account_two").set(0);
        Changeset third = d;
        assertThatThrownBy(third::commit) // 3
                .isInstanceOf(ConcurrentUpdate.class)
                .hasMessageContaining("account_one");
        assertThat(s.dump()).isEqualTo(afterSecond);
    }

    // ------------------------------------------------------------------ versions and conflicts

    /** An immutable value that every codec must take: a record. */
    record Point(int x, int y) {
    }

    @Test
    void everyCommitMovesTheVersionAndAValueCanBeCommittedAgain() {
        Store s = store();
        Value<Point> v = s.useVar("point");
        v.set(new Point(1, 2));
        assertThat(v.commit()).isSameAs(v);
        long first = v.version();
        v.set(new Point(3, 4));
        v.commit();
        assertThat(v.version()).isGreaterThan(first);
        assertThat(s.useVar("point").version()).isEqualTo(v.version());
        assertThat(s.<Point>useVar("point").get()).isEqualTo(new Point(3, 4));
        Value<Point> copy = v.clone();
        copy.set(new Point(0, 0));
        assertThat(v.get()).isEqualTo(new Point(3, 4));
        assertThat(copy.version()).isEqualTo(v.version());
        assertThat(v.toString()).contains("point").contains(Long.toString(v.version())).contains("x=3");
    }

    @Test
    void aStaleCommitFailsNamingTheKeyAndWritesNothing() {
        Store s = store();
        Value<Integer> v = s.useVar("k");
        v.set(1);
        v.commit();
        Value<Integer> stale = s.useVar("k");
        Value<Integer> other = otherClient(s).useVar("k");
        other.set(2);
        other.commit();
        stale.set(3);
        assertThatThrownBy(stale::commit).isInstanceOf(ConcurrentUpdate.class)
                .hasMessageContaining("'k'").hasMessageContaining("version " + v.version());
        assertThat(s.<Integer>useVar("k").get()).isEqualTo(2);
        assertThat(s.useVar("k").version()).isEqualTo(other.version());
    }

    @Test
    void aMissingKeyReadsAsNullAtVersionZeroAndIsCreatedOnlyWhereTheContractSays() {
        Store s = store();
        Value<Object> v = s.useVar("k");
        assertThat(v.key()).isEqualTo("k");
        assertThat(v.version()).isZero();
        assertThat(v.get()).isNull();
        s.using("m", "n");
        if (readsCreateKeys()) {
            assertThat(s.names()).containsExactly("k", "m", "n");
        } else {
            assertThat(s.names()).isEmpty();
            assertThat(s.dump()).isEmpty();
        }
        v.set("x");
        v.commit();
        assertThat(s.names()).contains("k");
    }

    @Test
    void committingVersionZeroMeansOnlyIfNobodyWroteTheKeyFirst() {
        Store s = store();
        Value<String> mine = s.useVar("new");
        Value<String> theirs = otherClient(s).useVar("new");
        theirs.set("theirs");
        theirs.commit();
        mine.set("mine");
        assertThatThrownBy(mine::commit).isInstanceOf(ConcurrentUpdate.class).hasMessageContaining("'new'");
        assertThat(s.<String>useVar("new").get()).isEqualTo("theirs");
    }

    @Test
    void aChangesetIsAllOrNothingAndItsUnchangedValuesAreCheckedToo() {
        Store s = store();
        Changeset init = s.using("read", "written", "other");
        init.<Integer>get("read").set(0);
        init.<Integer>get("written").set(0);
        init.<Integer>get("other").set(0);
        init.commit();
        String before = s.dump();

        Changeset stale = s.using("read", "written", "other");
        Value<Integer> r = otherClient(s).useVar("read");
        r.set(5);
        r.commit();
        String afterOther = s.dump();
        assertThat(afterOther).isNotEqualTo(before);
        stale.<Integer>get("written").set(2);
        stale.<Integer>get("other").set(3);
        assertThatThrownBy(stale::commit).isInstanceOf(ConcurrentUpdate.class).hasMessageContaining("'read'");
        assertThat(s.dump()).isEqualTo(afterOther); // neither written nor other changed
        assertThat(stale.get("written").version()).isEqualTo(init.get("written").version());
    }

    // ------------------------------------------------------------------ snapshots, names, export, dump

    @Test
    void usingAndExportReadOneSnapshotWhileWritersMoveMoney() throws Exception {
        Store s = store();
        Changeset init = s.using("a", "b");
        init.<Integer>get("a").set(500);
        init.<Integer>get("b").set(500);
        init.commit();
        Store writerStore = otherClient(s);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch started = new CountDownLatch(1);
        AtomicInteger moves = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        Thread writer = new Thread(() -> {
            try {
                started.countDown();
                while (!stop.get()) {
                    Stm.atomic(() -> {
                        Changeset c = writerStore.using("a", "b");
                        c.<Integer>get("a").set(c.<Integer>get("a").get() - 1);
                        c.<Integer>get("b").set(c.<Integer>get("b").get() + 1);
                        c.commit();
                    });
                    moves.incrementAndGet();
                }
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "writer");
        writer.start();
        try {
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
            // Both conditions, so that neither side can finish before the other has started: the
            // in-memory writer can make 40 moves before this thread takes its first snapshot.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            int snapshots = 0;
            while ((snapshots < 20 || moves.get() < 40) && writer.isAlive() && System.nanoTime() < deadline) {
                try {
                    Changeset c = s.using("a", "b");
                    assertThat(c.<Integer>get("a").get() + c.<Integer>get("b").get()).isEqualTo(1000);
                    Map<String, Object> e = s.export("a", "b");
                    assertThat((Integer) e.get("a") + (Integer) e.get("b")).isEqualTo(1000);
                    snapshots++;
                } catch (BusyRetry e) {
                    // the contract allows it outside a transaction (a writer preempted while it
                    // publishes); not a snapshot, so not counted
                }
            }
            assertThat(snapshots).isGreaterThanOrEqualTo(20);
            assertThat(moves.get()).isGreaterThanOrEqualTo(40);
        } finally {
            stop.set(true);
            writer.join(TimeUnit.SECONDS.toMillis(30));
        }
        assertThat(writer.isAlive()).isFalse();
        assertThat(failure.get()).isNull();
        assertThat(s.export("a", "b")).containsEntry("a", 500 - moves.get()).containsEntry("b", 500 + moves.get());
    }

    @Test
    void namesExportAndDumpListTheKeysInOrderAndExportCreatesNothing() {
        Store s = store();
        Changeset c = s.using("b", "a", "c");
        c.<Integer>get("a").set(1);
        c.<String>get("b").set("two");
        c.<Integer>get("c").set(null);
        c.commit();
        long v = c.get("a").version();
        assertThat(s.names()).containsExactly("a", "b", "c");
        assertThat(s.export()).containsExactly(Map.entry("a", 1), Map.entry("b", "two"), entry("c", null));
        assertThat(s.export("b", "missing")).containsEntry("b", "two").containsEntry("missing", null);
        assertThat(s.export("b", "missing").keySet()).containsExactly("b", "missing");
        assertThat(s.names()).containsExactly("a", "b", "c");
        assertThat(s.dump()).isEqualTo(lines("a " + v + " 1", "b " + v + " two", "c " + v + " null"));
        assertThatThrownBy(() -> s.names().add("x")).isInstanceOf(UnsupportedOperationException.class);
    }

    // ------------------------------------------------------------------ inside transactions

    @Test
    void insideATransactionTheStoreJoinsIt() {
        Store s = store();
        Value<Integer> a = s.useVar("a");
        a.set(1);
        a.commit();
        Stm.atomic(() -> {
            Value<Integer> in = s.useVar("a");
            assertThat(in.version()).isEqualTo(a.version());
            in.set(in.get() + 1);
            in.commit(); // staged only
            in.set(in.get() + 1);
            in.commit(); // staged again
            assertThat(s.<Integer>useVar("a").get()).isEqualTo(3);
            Changeset c = s.using("a", "b");
            assertThat(c.<Integer>get("a").get()).isEqualTo(3);
            c.<Integer>get("b").set(10);
            c.commit();
            assertThat(s.export("a", "b")).containsEntry("a", 3).containsEntry("b", 10);
            assertThat(withoutVersions(s.dump())).isEqualTo(lines("a 3", "b 10"));
            assertThat(s.names()).contains("a", "b");
            // not published before the commit: another client (outside this transaction) sees the old state
            runInOtherThread(() -> assertThat(otherClient(s).export("a", "b")).containsEntry("a", 1).containsEntry("b", null));
        });
        Changeset after = s.using("a", "b");
        assertThat(after.<Integer>get("a").get()).isEqualTo(3);
        assertThat(after.get("a").version()).isGreaterThan(a.version());
        assertThat(after.<Integer>get("b").get()).isEqualTo(10);
    }

    @Test
    void writesOfARolledBackTransactionAreNeverPublished() {
        Store s = store();
        assertThatThrownBy(() -> Stm.atomic(() -> {
            Value<Integer> a = s.useVar("a");
            a.set(1);
            a.commit();
            throw new IllegalStateException("no");
        })).isInstanceOf(IllegalStateException.class).hasMessage("no");
        assertThat(s.<Integer>useVar("a").get()).isNull();
        assertThat(s.useVar("a").version()).isZero();
    }

    @Test
    void aNestedScopeThatThrowsUndoesOnlyItsOwnWrites() {
        Store s = store();
        Stm.atomic(() -> {
            Value<String> outer = s.useVar("outer");
            outer.set("kept");
            outer.commit();
            try {
                Stm.atomic(() -> {
                    Value<String> o = s.useVar("outer");
                    o.set("undone");
                    o.commit();
                    Value<String> inner = s.useVar("inner");
                    inner.set("undone");
                    inner.commit();
                    throw new IllegalArgumentException("inner fails");
                });
            } catch (IllegalArgumentException expected) {
                assertThat(s.<String>useVar("outer").get()).isEqualTo("kept");
                assertThat(s.<String>useVar("inner").get()).isNull();
            }
        });
        assertThat(s.export("outer", "inner")).containsEntry("outer", "kept").containsEntry("inner", null);
    }

    @Test
    void aConflictReRunsTheBodyWhichThenSeesTheOtherWrite() {
        Store s = store();
        Value<Integer> init = s.useVar("n");
        init.set(0);
        init.commit();
        Store other = otherClient(s);
        AtomicInteger attempts = new AtomicInteger();
        Stm.atomic(() -> {
            Value<Integer> n = s.useVar("n");
            if (attempts.incrementAndGet() == 1) {
                runInOtherThread(() -> {
                    Value<Integer> o = other.useVar("n");
                    o.set(o.get() + 100);
                    o.commit();
                });
            }
            n.set(n.get() + 1);
            n.commit();
        });
        assertThat(attempts.get()).isEqualTo(2);
        assertThat(s.<Integer>useVar("n").get()).isEqualTo(101);
    }

    @Test
    void aReadOnlyTransactionRefusesCommitsAndSeesOneSnapshot() {
        Store s = store();
        Value<Integer> a = s.useVar("a");
        a.set(1);
        a.commit();
        assertThatThrownBy(() -> io.stm4j.internal.Transactions.atomic(() -> {
            Value<Integer> in = s.useVar("a");
            in.set(2);
            in.commit();
            return null;
        }, -1, -1L, true)).isInstanceOf(IllegalStateException.class).hasMessageContaining("read-only");
        assertThat(io.stm4j.internal.Transactions.atomic(() -> s.useVar("a").get(), -1, -1L, true)).isEqualTo(1);
        assertThat(s.<Integer>useVar("a").get()).isEqualTo(1);
    }

    @Test
    void retryWaitsUntilAnotherClientWritesWhatItRead() throws Exception {
        Store s = store();
        Store other = otherClient(s);
        CountDownLatch waiting = new CountDownLatch(1);
        AtomicInteger attempts = new AtomicInteger();
        AtomicReference<Object> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread waiter = new Thread(() -> {
            try {
                result.set(Stm.atomic(() -> {
                    attempts.incrementAndGet();
                    Value<String> flag = s.useVar("flag");
                    if (flag.get() == null) {
                        waiting.countDown();
                        Stm.retry();
                    }
                    return flag.get();
                }));
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "waiter");
        waiter.start();
        assertThat(waiting.await(20, TimeUnit.SECONDS)).isTrue();
        // an unrelated write does not wake it for good: it still waits for "flag"
        Value<String> unrelated = other.useVar("unrelated");
        unrelated.set("x");
        unrelated.commit();
        Value<String> flag = other.useVar("flag");
        flag.set("up");
        flag.commit();
        waiter.join(TimeUnit.SECONDS.toMillis(30));
        assertThat(waiter.isAlive()).isFalse();
        assertThat(failure.get()).isNull();
        assertThat(result.get()).isEqualTo("up");
        assertThat(attempts.get()).isBetween(2, 3);
    }

    @Test
    void retryForGivesUpWaitingAndTheBodyGoesOn() {
        Store s = store();
        String got = Stm.atomic(() -> {
            Value<String> v = s.useVar("never");
            if (v.get() == null) {
                Stm.retryFor(Duration.ofMillis(200));
                return "timed out";
            }
            return v.get();
        });
        assertThat(got).isEqualTo("timed out");
    }

    // ------------------------------------------------------------------ bad input

    @Test
    void badInputIsRejectedByName() {
        Store s = store();
        assertThatThrownBy(() -> s.useVar(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("key");
        assertThatThrownBy(() -> s.using("a", null)).isInstanceOf(NullPointerException.class).hasMessageContaining("keys[1]");
        assertThatThrownBy(() -> s.export((String) null)).isInstanceOf(NullPointerException.class).hasMessageContaining("keys[0]");
        Value<Integer> v = s.useVar("a");
        assertThatThrownBy(() -> s.set("b", v)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'a'");
        Value<Integer> foreign = Store.create().useVar("a");
        assertThatThrownBy(() -> s.set("a", foreign)).isInstanceOf(IllegalArgumentException.class);
        Changeset c = s.using("a");
        c.<Integer>get("a").set(1);
        c.commit();
        assertThatThrownBy(c::commit).isInstanceOf(IllegalStateException.class).hasMessageContaining("already committed");
        assertThatThrownBy(() -> c.get("zzz")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("zzz");
    }

    // ------------------------------------------------------------------ helpers

    static String lines(String... lines) {
        return String.join("\n", lines) + "\n";
    }

    /** A dump with each line's version left out: "key value". */
    static String withoutVersions(String dump) {
        StringBuilder sb = new StringBuilder();
        for (String line : dump.split("\n")) {
            String[] parts = line.split(" ", 3);
            sb.append(parts[0]).append(' ').append(parts[2]).append('\n');
        }
        return sb.toString();
    }

    static Map.Entry<String, Object> entry(String k, Object v) {
        return new java.util.AbstractMap.SimpleImmutableEntry<>(k, v);
    }

    /** Runs {@code r} on a thread of its own (outside this thread's transaction) and waits for it. */
    static void runInOtherThread(Runnable r) {
        List<Throwable> failure = new ArrayList<>();
        Thread t = new Thread(() -> {
            try {
                r.run();
            } catch (Throwable e) {
                synchronized (failure) {
                    failure.add(e);
                }
            }
        }, "other");
        t.start();
        try {
            t.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        if (t.isAlive()) {
            t.interrupt();
            throw new AssertionError("the other thread did not finish in 30 s");
        }
        synchronized (failure) {
            if (!failure.isEmpty()) {
                throw new AssertionError("the other thread failed", failure.get(0));
            }
        }
    }
}
