package io.stm4j.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stm4j.ConcurrentUpdate;
import io.stm4j.MaxRetriesExceeded;
import io.stm4j.Stm;
import io.stm4j.Store;
import io.stm4j.StoreStats.Abort;
import io.stm4j.StoreStats;
import io.stm4j.Value;
import io.stm4j.testkit.OtherThread;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.TabularData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Store#stats()}: commits, aborts by cause, re-runs per transaction, time retrying and hot
 * spots, with conflicts forced deterministically (another thread commits to a key the transaction
 * has read), the JMX view of the default store, and the warning about a transaction that keeps
 * re-running.
 */
class StoreStatsTest {

    private final Consumer<String> originalSink = Log.sink;

    @AfterEach
    void restoreLog() {
        Log.sink = originalSink;
    }

    /** A transaction that reads hot and cold, writes cold, and has hot bumped under it {@code times} times. */
    private static int conflictOnHot(Store s, OtherThread other, int times) {
        AtomicInteger attempts = new AtomicInteger();
        Stm.atomic(() -> {
            Value<Integer> hot = s.useVar("hot");
            Value<Integer> cold = s.useVar("cold");
            if (attempts.incrementAndGet() <= times) {
                other.run(() -> StoreKeys.increment(s, "hot"));
            }
            cold.set(hot.get() == null ? 0 : hot.get());
            cold.commit();
        });
        return attempts.get();
    }

    @Test
    void aFreshStoreHasNothingToReport() {
        StoreStats st = Store.create().stats();
        assertThat(st.commits()).isZero();
        assertThat(st.aborts().values()).containsOnly(0L);
        assertThat(st.retriesPerTransaction()).containsOnlyKeys(StoreStats.RETRY_BUCKETS);
        assertThat(st.retriesPerTransaction().values()).containsOnly(0L);
        assertThat(st.hotSpots()).isEmpty();
        assertThat(st.timeRetrying()).isZero();
    }

    @Test
    void countsCommitsConflictsRetriesAndTheHotKey() throws Exception {
        Store s = Store.create();
        try (OtherThread other = new OtherThread()) {
            assertThat(conflictOnHot(s, other, 3)).isEqualTo(4);
        }
        StoreStats st = s.stats();
        assertThat(st.aborts(Abort.CONFLICT)).isEqualTo(3);
        assertThat(st.aborts(Abort.BUSY)).isZero();
        assertThat(st.commits()).as("3 bumps and the transaction").isEqualTo(4);
        assertThat(st.retriesPerTransaction()).containsEntry("0", 3L).containsEntry("3-4", 1L);
        assertThat(st.hotSpots()).containsExactly(new StoreStats.HotSpot("hot", 3));
        assertThat(st.timeRetrying()).isPositive();
        assertThat(st.toString()).contains("hot (3 conflicts)").contains("4 commits");
        assertThat(Store.create().stats().hotSpots()).as("another store saw none of it").isEmpty();
    }

    @Test
    void countsExceptionsAndTransactionsThatGaveUp() throws Exception {
        Store s = Store.create();
        assertThatThrownBy(() -> Stm.atomic(() -> {
            Value<Integer> v = s.useVar("k");
            v.set(1);
            v.commit();
            throw new IllegalStateException("boom");
        })).hasMessage("boom");
        try (OtherThread other = new OtherThread()) {
            assertThatThrownBy(() -> Transactions.atomic(() -> {
                Value<Integer> hot = s.useVar("hot");
                other.run(() -> StoreKeys.increment(s, "hot"));
                Value<Integer> k = s.useVar("k");
                k.set(hot.get());
                k.commit();
            }, 0, -1L, false)).isInstanceOf(MaxRetriesExceeded.class);
        }
        StoreStats st = s.stats();
        assertThat(st.aborts(Abort.EXCEPTION)).isEqualTo(1);
        assertThat(st.givenUp()).isEqualTo(1);
        assertThat(st.aborts(Abort.CONFLICT)).isEqualTo(1);
        assertThat(st.hotSpots()).containsExactly(new StoreStats.HotSpot("hot", 1));
    }

    @Test
    void aStaleSetOutsideATransactionCountsAsAConflictOnItsKey() {
        Store s = Store.create();
        Value<Integer> a = s.useVar("k");
        Value<Integer> b = s.useVar("k");
        a.set(1);
        a.commit();
        b.set(2);
        assertThatThrownBy(b::commit).isInstanceOf(ConcurrentUpdate.class);
        StoreStats st = s.stats();
        assertThat(st.commits()).isEqualTo(1);
        assertThat(st.aborts(Abort.CONFLICT)).isEqualTo(1);
        assertThat(st.hotSpots()).containsExactly(new StoreStats.HotSpot("k", 1));
    }

    @Test
    void figuresOfThreadsThatEndedStayCounted() throws Exception {
        Store s = Store.create();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 300; i++) { // more than the recorder's sweep interval
            Thread t = new Thread(() -> Stm.atomic(() -> {
                Value<Integer> v = s.useVar("n");
                v.set(v.get() == null ? 1 : v.get() + 1);
                v.commit();
            }));
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join(30_000);
            assertThat(t.isAlive()).isFalse();
        }
        assertThat((Integer) s.export("n").get("n")).isEqualTo(300);
        assertThat(s.stats().commits()).isEqualTo(300);
    }

    @Test
    void theDefaultStoreIsAnMBean() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        Store d = Store.defaultStore();
        ObjectName name = new ObjectName("io.stm4j:type=Store,name=default");
        long before = (Long) server.getAttribute(name, "Commits");
        Value<Integer> v = d.useVar("stats-test-" + System.nanoTime());
        v.set(1);
        v.commit();
        assertThat((Long) server.getAttribute(name, "Commits")).isEqualTo(before + 1);
        assertThat(server.getAttribute(name, "Aborts")).isInstanceOf(TabularData.class);
        assertThat(((TabularData) server.getAttribute(name, "RetriesPerTransaction")).size())
                .isEqualTo(StoreStats.RETRY_BUCKETS.size());
        assertThat(server.getAttribute(name, "HotSpots")).isInstanceOf(String[].class);
    }

    @Test
    void aSecondCopyOfTheDefaultStoreRegistersBesideTheFirstWithoutAWarning() throws Exception {
        Store.defaultStore(); // the first copy holds io.stm4j:type=Store,name=default
        List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
        Log.sink = warnings::add;
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName copy = new ObjectName("io.stm4j:type=Store,name=default,copy="
                + Integer.toHexString(System.identityHashCode(StatsRecorder.class.getClassLoader())));
        new StatsRecorder("default").registerMBean("default"); // as another class loader's runtime would
        try {
            assertThat(server.isRegistered(copy)).isTrue();
            assertThat(server.getAttribute(copy, "Commits")).isEqualTo(0L);
            assertThat(warnings).isEmpty();
        } finally {
            server.unregisterMBean(copy);
        }
    }

    @Test
    void aTransactionThatKeepsAbortingWarnsOnceNamingItsMethodAndHottestKey() throws Exception {
        List<String> warnings = new ArrayList<>();
        Log.sink = warnings::add;
        Store s = Store.create();
        int n = AbortLog.WARN_AFTER + 5;
        // Another transaction holds the priority gate throughout (its lease renewed), so this one
        // never takes priority and can keep losing; the bumps touch nothing that holder marked.
        try (OtherThread other = new OtherThread(); AutoCloseable gate = EngineProbe.holdPriority()) {
            assertThat(conflictOnHot(s, other, n)).isEqualTo(n + 1);
        }
        assertThat(warnings).hasSize(1);
        assertThat(warnings.get(0))
                .contains(StoreStatsTest.class.getName() + ".conflictOnHot")
                .contains("aborted " + AbortLog.WARN_AFTER + " times")
                .contains("hottest conflict: hot (" + AbortLog.WARN_AFTER + " of " + AbortLog.WARN_AFTER + " aborts)");
        assertThat(s.stats().retriesPerTransaction()).containsEntry("65+", 1L);
    }

    @Test
    void statsOfAStoreWithoutThemSaySo() {
        Store plain = new Store() {
            @Override public <T> Value<T> useVar(String key) { throw new AssertionError(); }
            @Override public io.stm4j.Changeset using(String... keys) { throw new AssertionError(); }
            @Override public <T> Value<T> set(String key, Value<T> value) { throw new AssertionError(); }
            @Override public void setValues(io.stm4j.Changeset values) { throw new AssertionError(); }
            @Override public java.util.Set<String> names() { return java.util.Set.of(); }
            @Override public Map<String, Object> export(String... keys) { return Map.of(); }
            @Override public String dump() { return ""; }
        };
        assertThatThrownBy(plain::stats).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("keeps no statistics");
    }
}
