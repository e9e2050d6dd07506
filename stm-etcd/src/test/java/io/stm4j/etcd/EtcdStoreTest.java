package io.stm4j.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.stm4j.BusyRetry;
import io.stm4j.Changeset;
import io.stm4j.CommitOutcomeUnknown;
import io.stm4j.MaxRetriesExceeded;
import io.stm4j.Stm;
import io.stm4j.Store;
import io.stm4j.Value;
import io.stm4j.internal.Transactions;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import io.stm4j.etcd.local.EtcdClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What is particular to {@link EtcdStore}: its builder, namespaces, codec, limits, faults of one request, and transactions that mix it with memory. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EtcdStoreTest {
    @RegisterExtension
    static final EtcdClusterExtension ETCD = EtcdClusterExtension.threeMembers();

    private static final AtomicInteger NAMESPACES = new AtomicInteger();
    private final List<EtcdStore> opened = new ArrayList<>();
    private final String namespace = "unit" + System.nanoTime() + "x" + NAMESPACES.incrementAndGet();

    private EtcdStore open() {
        return open(EtcdStore.builder().namespace(namespace));
    }

    private EtcdStore open(EtcdStore.Builder b) {
        return open(b, ETCD.endpoints().toArray(new String[0]));
    }

    private EtcdStore open(EtcdStore.Builder b, String... endpoints) {
        EtcdStore s = b.endpoints(endpoints).build();
        opened.add(s);
        return s;
    }

    @AfterEach
    void close() {
        opened.forEach(EtcdStore::close);
    }

    // ------------------------------------------------------------------ builder and keys

    @Test
    void theBuilderNamesWhatIsWrong() {
        assertThatThrownBy(() -> EtcdStore.builder().build()).isInstanceOf(IllegalStateException.class).hasMessageContaining("endpoints");
        assertThatThrownBy(() -> EtcdStore.connect()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("endpoints");
        assertThatThrownBy(() -> EtcdStore.connect("localhost:2379")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("endpoints[0]").hasMessageContaining("localhost:2379");
        assertThatThrownBy(() -> EtcdStore.connect("http://a:1", null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("endpoints[1]");
        assertThatThrownBy(() -> EtcdStore.connect("https://a:1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EtcdStore.builder().namespace("a/b")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a/b");
        assertThatThrownBy(() -> EtcdStore.builder().namespace("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EtcdStore.builder().namespace("__stm4j")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reserved");
        assertThatThrownBy(() -> EtcdStore.builder().namespace(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("namespace");
        assertThatThrownBy(() -> EtcdStore.builder().requestTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EtcdStore.builder().requestTimeout(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> EtcdStore.builder().codec(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("codec");
        assertThatThrownBy(() -> EtcdStore.builder().maxTxnOps(1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void namespacesNeverSeeEachOthersKeysAndTheRootSeesThemPrefixed() {
        EtcdStore a = open();
        EtcdStore b = open(EtcdStore.builder().namespace(namespace + "b"));
        set(a, "k", "in a");
        set(b, "k", "in b");
        assertThat(a.names()).containsExactly("k");
        assertThat(b.names()).containsExactly("k");
        assertThat(a.<String>useVar("k").get()).isEqualTo("in a");
        assertThat(b.export()).containsExactly(Map.entry("k", "in b"));
        EtcdStore root = open(EtcdStore.builder());
        assertThat(root.useVar(namespace + "/k").<String>get()).isEqualTo("in a");
        // every commit above created a marker key; no listing shows them
        assertThat(root.names()).contains(namespace + "/k", namespace + "b/k").noneMatch(n -> n.startsWith("__stm4j/"));
        assertThatThrownBy(() -> root.useVar("__stm4j/x")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reserved");
        assertThatThrownBy(() -> root.useVar("")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
        assertThat(a.useVar("").version()).isZero(); // in a namespace the empty key is "namespace/"
    }

    @Test
    void aClosedStoreSaysSo() {
        EtcdStore s = open();
        s.close();
        s.close();
        assertThatThrownBy(() -> s.useVar("k")).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> Stm.atomic(() -> s.useVar("k"))).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    // ------------------------------------------------------------------ the codec

    /** A bean: a no-argument constructor, getters and setters. */
    public static final class Account {
        private String owner;
        private long cents;

        public Account() {
        }

        Account(String owner, long cents) {
            this.owner = owner;
            this.cents = cents;
        }

        public String getOwner() {
            return owner;
        }

        public void setOwner(String owner) {
            this.owner = owner;
        }

        public long getCents() {
            return cents;
        }

        public void setCents(long cents) {
            this.cents = cents;
        }
    }

    record Transfer(String from, String to, BigDecimal amount, List<String> tags) {
    }

    /** Properties it writes but cannot read back. */
    public static final class WriteOnly {
        public String getName() {
            return "n";
        }
    }

    enum Colour { RED }

    @Test
    void theDefaultCodecBringsEveryValueBackAsItsOwnClass() {
        EtcdStore s = open();
        Map<String, Object> values = new java.util.LinkedHashMap<>();
        values.put("string", "héllo ✓");
        values.put("int", 42);
        values.put("long", Long.MAX_VALUE);
        values.put("short", (short) -7);
        values.put("byte", (byte) 3);
        values.put("double", 0.1 + 0.2);
        values.put("nan", Double.NaN);
        values.put("float", 1.5f);
        values.put("boolean", true);
        values.put("char", 'x');
        values.put("decimal", new BigDecimal("1.50"));
        values.put("big", new BigInteger("123456789012345678901234567890"));
        values.put("record", new Transfer("a", "b", new BigDecimal("9.99"), List.of("x", "y")));
        for (Map.Entry<String, Object> e : values.entrySet()) {
            set(s, e.getKey(), e.getValue());
        }
        set(s, "bytes", new byte[] {1, 2, -1});
        set(s, "bean", new Account("ann", 12_345L));
        set(s, "null", null);
        EtcdStore reader = open(); // another client: nothing shared but etcd
        for (Map.Entry<String, Object> e : values.entrySet()) {
            Object back = reader.useVar(e.getKey()).get();
            assertThat(back).as(e.getKey()).isEqualTo(e.getValue()).hasSameClassAs(e.getValue());
        }
        assertThat(reader.<BigDecimal>useVar("decimal").get().scale()).isEqualTo(2);
        assertThat(reader.<byte[]>useVar("bytes").get()).containsExactly(1, 2, -1);
        Account a = reader.<Account>useVar("bean").get();
        assertThat(a.getOwner()).isEqualTo("ann");
        assertThat(a.getCents()).isEqualTo(12_345L);
        assertThat(reader.<Object>useVar("null").get()).isNull();
        assertThat(reader.useVar("null").version()).isPositive(); // a stored null is a key that exists
    }

    @Test
    void aValueTheCodecCannotStoreIsRefusedAtSetNamingItsClassAndNothingIsWritten() {
        EtcdStore s = open();
        for (Object bad : List.of(new ArrayList<>(List.of(1)), Map.of("a", 1), Colour.RED, new Object(), Optional.of(1),
                new int[] {1}, new WriteOnly(), Thread.currentThread())) {
            Value<Object> v = s.useVar("bad");
            v.set(bad);
            assertThatThrownBy(v::commit).as(bad.getClass().getName()).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(bad.getClass().getName());
            assertThatThrownBy(() -> Stm.atomic(() -> {
                Value<Object> in = s.useVar("bad");
                in.set(bad);
                in.commit();
            })).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(bad.getClass().getName());
        }
        assertThat(s.names()).isEmpty();
    }

    @Test
    void aStoreUsesTheCodecItIsGiven() {
        ValueCodec upper = new ValueCodec() {
            @Override
            public byte[] encode(Object value) {
                return ((String) value).toUpperCase(java.util.Locale.ROOT).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            }

            @Override
            public Object decode(byte[] bytes) {
                return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
            }
        };
        EtcdStore s = open(EtcdStore.builder().namespace(namespace).codec(upper));
        set(s, "k", "quiet");
        assertThat(s.<String>useVar("k").get()).isEqualTo("QUIET");
        assertThat(s.dump()).endsWith(" QUIET\n");
    }

    // ------------------------------------------------------------------ limits

    @Test
    void moreKeysThanOneEtcdTransactionTakesAreRefusedBeforeAnythingIsSent() {
        EtcdStore s = open();
        assertThatThrownBy(() -> changeset(s, 129).commit()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("129 keys").hasMessageContaining("128");
        assertThatThrownBy(() -> changeset(s, 128).commit()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("marker").hasMessageContaining("127");
        assertThatThrownBy(() -> Stm.atomic(() -> changeset(s, 129).commit())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("129 keys");
        assertThat(s.names()).isEmpty();
        changeset(s, 127).commit();
        assertThat(s.names()).hasSize(127);
        Map<String, Object> all = s.export();
        assertThat(all.values()).containsOnly(1);
        // reading that many is fine: only a commit is limited
        assertThat(s.using(keys(300)).keys()).hasSize(300);
        assertThat(s.export(keys(300))).hasSize(300);
    }

    private static String[] keys(int n) {
        String[] ks = new String[n];
        for (int i = 0; i < n; i++) {
            ks[i] = String.format("k%03d", i);
        }
        return ks;
    }

    private static Changeset changeset(Store s, int n) {
        Changeset c = s.using(keys(n));
        for (String k : c.keys()) {
            c.<Integer>get(k).set(1);
        }
        return c;
    }

    // ------------------------------------------------------------------ one request's faults

    @Test
    void aCommitWhoseAnswerIsLostIsSettledByItsMarkerAndNotAppliedTwice() {
        EtcdStore s = open();
        set(s, "n", 0);
        AtomicInteger dropped = new AtomicInteger();
        s.gateway.fault = new Gateway.Fault() {
            @Override
            public boolean dropAnswer(String path, JsonNode request) {
                return path.equals("/v3/kv/txn") && request.path("success").size() > 0 && dropped.getAndIncrement() == 0;
            }
        };
        Value<Integer> n = s.useVar("n");
        n.set(1);
        n.commit(); // applied; its answer lost; the fence finds the marker
        assertThat(dropped.get()).isGreaterThanOrEqualTo(1);
        assertThat(n.version()).isEqualTo(s.useVar("n").version());
        AtomicInteger attempts = new AtomicInteger();
        dropped.set(0);
        Stm.atomic(() -> {
            attempts.incrementAndGet();
            Value<Integer> in = s.useVar("n");
            in.set(in.get() + 10);
            in.commit();
        });
        assertThat(attempts.get()).isEqualTo(1); // never re-run: the fence said it was applied
        assertThat(s.<Integer>useVar("n").get()).isEqualTo(11);
        assertThat(s.committer.unanswered.get()).isEqualTo(2);
        assertThat(s.committer.resolvedCommitted.get()).isEqualTo(2);
        assertThat(s.committer.unknown.get()).isZero();
    }

    @Test
    void aCommitLostOnTheWayIsFencedAndTheBodyRunsAgainOnce() {
        EtcdStore s = open();
        set(s, "n", 0);
        AtomicInteger lost = new AtomicInteger();
        s.gateway.fault = new Gateway.Fault() {
            @Override
            public boolean dropRequest(java.net.URI endpoint, String path, JsonNode request) {
                return isCommit(path, request) && lost.getAndIncrement() == 0;
            }
        };
        Value<Integer> n = s.useVar("n");
        n.set(1);
        assertThatThrownBy(n::commit).isInstanceOf(BusyRetry.class).hasMessageContaining("nothing was written");
        assertThat(s.<Integer>useVar("n").get()).isZero();
        lost.set(0);
        AtomicInteger attempts = new AtomicInteger();
        Stm.atomic(() -> {
            attempts.incrementAndGet();
            Value<Integer> in = s.useVar("n");
            in.set(in.get() + 10);
            in.commit();
        });
        assertThat(attempts.get()).isEqualTo(2); // the fence proved the first commit void
        assertThat(s.<Integer>useVar("n").get()).isEqualTo(10);
        assertThat(s.committer.resolvedNotApplied.get()).isEqualTo(2);
    }

    private static boolean isCommit(String path, JsonNode request) {
        // a commit creates a marker; the fence of a commit puts one too, but only it compares nothing else
        return path.equals("/v3/kv/txn") && request.path("compare").size() > 1;
    }

    @Test
    void whenNoFenceCanBeSentEitherTheOutcomeIsUnknownAndNothingInMemoryIsPublished() {
        // The fence fails because every answer is dropped, not for want of time: 3 s leaves the setup's
        // reads and the lease grant room on a loaded machine.
        EtcdStore s = open(EtcdStore.builder().namespace(namespace).requestTimeout(Duration.ofSeconds(3)));
        set(s, "n", 0);
        Store memory = Store.create();
        List<String> hooks = new CopyOnWriteArrayList<>();
        s.gateway.fault = new Gateway.Fault() {
            @Override
            public boolean dropAnswer(String path, JsonNode request) {
                return path.equals("/v3/kv/txn") && request.path("success").size() > 0; // every commit and fence
            }
        };
        AtomicInteger attempts = new AtomicInteger();
        assertThatThrownBy(() -> Stm.atomic(() -> {
            attempts.incrementAndGet();
            Stm.afterCommit(() -> hooks.add("commit"));
            Stm.afterRollback(() -> hooks.add("rollback"));
            Value<Integer> m = memory.useVar("m");
            m.set(1);
            m.commit();
            Value<Integer> in = s.useVar("n");
            in.set(in.get() + 1);
            in.commit();
        })).isInstanceOf(CommitOutcomeUnknown.class).hasMessageContaining("may have been applied");
        assertThat(attempts.get()).isEqualTo(1);
        assertThat(memory.<Integer>useVar("m").get()).isNull();
        assertThat(hooks).isEmpty();
        s.gateway.fault = null;
        assertThat(s.<Integer>useVar("n").get()).isEqualTo(1); // it was applied: only the answers were lost
        assertThat(s.committer.unknown.get()).isEqualTo(1);
    }

    @Test
    void noMemberToAnswerIsBusyRetryOutsideAndReRunsWithinTheLimitsInside() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        EtcdStore s = EtcdStore.builder().endpoints("http://127.0.0.1:" + port).requestTimeout(Duration.ofMillis(300)).build();
        opened.add(s);
        assertThatThrownBy(() -> s.useVar("k")).isInstanceOf(BusyRetry.class).hasMessageContaining("127.0.0.1:" + port);
        assertThatThrownBy(s::names).isInstanceOf(BusyRetry.class);
        Value<Integer> v = open().useVar("k");
        assertThat(v.version()).isZero();
        AtomicInteger attempts = new AtomicInteger();
        assertThatThrownBy(() -> Transactions.atomic(() -> {
            attempts.incrementAndGet();
            return s.useVar("k").get();
        }, 2, -1L, false)).isInstanceOf(MaxRetriesExceeded.class).hasCauseInstanceOf(BusyRetry.class);
        assertThat(attempts.get()).isEqualTo(3);
    }

    @Test
    void anInterruptEndsAReadWithTheInterruptAsCauseAndTheFlagSet() {
        EtcdStore s = open();
        set(s, "k", 1);
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> s.useVar("k")).isInstanceOf(io.stm4j.StmException.class)
                    .hasCauseInstanceOf(InterruptedException.class).hasMessageContaining("interrupted");
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
            assertThatThrownBy(() -> Stm.atomic(() -> s.useVar("k").get())).isInstanceOf(io.stm4j.StmException.class)
                    .hasCauseInstanceOf(InterruptedException.class);
            assertThat(Thread.interrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void anInterruptWhileACommitIsUnderWayIsSettledBeforeItEnds() {
        EtcdStore s = open();
        set(s, "n", 0);
        AtomicInteger outcomes = new AtomicInteger();
        for (int round = 0; round < 6; round++) {
            s.gateway.fault = new Gateway.Fault() {
                @Override
                public boolean dropRequest(java.net.URI endpoint, String path, JsonNode request) {
                    if (isCommit(path, request)) {
                        Thread.currentThread().interrupt(); // the send is then interrupted, before or after it went out
                    }
                    return false;
                }
            };
            int before = s.<Integer>useVar("n").get();
            boolean committed;
            try {
                Stm.atomic(() -> {
                    Value<Integer> n = s.useVar("n");
                    n.set(n.get() + 1);
                    n.commit();
                });
                committed = true;
            } catch (io.stm4j.StmException e) {
                assertThat(e).hasCauseInstanceOf(InterruptedException.class);
                committed = false;
            } finally {
                s.gateway.fault = null;
                assertThat(Thread.interrupted()).as("the interrupt flag is set again").isTrue();
            }
            // applied exactly when it returned: never twice, never behind the caller's back
            assertThat(s.<Integer>useVar("n").get()).isEqualTo(committed ? before + 1 : before);
            outcomes.incrementAndGet();
        }
        assertThat(outcomes.get()).isEqualTo(6);
    }

    // ------------------------------------------------------------------ transactions

    @Test
    void aRefusedCommitsNextAttemptStartsFromTheValuesEtcdSentBack() {
        EtcdStore s = open();
        set(s, "a", 0);
        set(s, "b", 0);
        EtcdStore other = open();
        List<String> sent = Collections.synchronizedList(new ArrayList<>());
        s.gateway.fault = new Gateway.Fault() {
            @Override
            public boolean dropRequest(java.net.URI endpoint, String path, JsonNode request) {
                sent.add(path);
                return false;
            }
        };
        AtomicInteger attempts = new AtomicInteger();
        List<List<String>> perAttempt = new ArrayList<>();
        Stm.atomic(() -> {
            perAttempt.add(new ArrayList<>(sent));
            sent.clear();
            Changeset c = s.using("a", "b");
            if (attempts.incrementAndGet() == 1) {
                StoreContract.runInOtherThread(() -> set(other, "a", 100));
            }
            c.<Integer>get("b").set(c.<Integer>get("a").get() + 1);
            c.commit();
        });
        perAttempt.add(new ArrayList<>(sent));
        assertThat(attempts.get()).isEqualTo(2);
        assertThat(s.export("a", "b")).containsEntry("a", 100).containsEntry("b", 101);
        // attempt 1: a read and the refused commit; attempt 2: the commit only, no read
        assertThat(perAttempt.get(1)).containsExactly("/v3/kv/txn", "/v3/kv/txn");
        assertThat(perAttempt.get(2)).containsExactly("/v3/kv/txn");
    }

    @Test
    void storesOfOneClusterCommitInOneEtcdTransaction() {
        EtcdStore a = open();
        EtcdStore b = open(EtcdStore.builder().namespace(namespace + "other"));
        EtcdStore oneMember = open(EtcdStore.builder().namespace(namespace + "third"),
                ETCD.endpoints().get(1)); // other endpoints, same cluster: told by its id
        Stm.atomic(() -> {
            set(a, "x", 1);
            set(b, "y", 2);
            set(oneMember, "z", 3);
        });
        assertThat(oneMember.cluster).isNotEqualTo(a.cluster);
        long va = a.useVar("x").version();
        assertThat(va).isPositive().isEqualTo(b.useVar("y").version()).isEqualTo(oneMember.useVar("z").version());
    }

    @Test
    void storesOfTwoClustersInOneTransactionAreRefusedNamingBoth() {
        try (io.stm4j.etcd.local.LocalEtcdCluster other = io.stm4j.etcd.local.LocalEtcdCluster.start(1)) {
            EtcdStore here = open();
            EtcdStore there = open(EtcdStore.builder().namespace(namespace), other.endpoint(0));
            assertThatThrownBy(() -> Stm.atomic(() -> {
                set(here, "x", 1);
                set(there, "y", 2);
            })).isInstanceOf(IllegalStateException.class).hasMessageContaining("one cluster")
                    .hasMessageContaining(ETCD.endpoints().get(0)).hasMessageContaining(other.endpoint(0));
            assertThat(here.names()).isEmpty();
            assertThat(there.names()).isEmpty();
        }
    }

    @Test
    void theDefaultCodecLoadsAValuesClassThroughTheThreadsContextClassLoader() throws Exception {
        EtcdStore s = open();
        set(s, "point", new StoreContract.Point(1, 2));
        java.net.URL classes = StoreContract.Point.class.getProtectionDomain().getCodeSource().getLocation();
        Thread me = Thread.currentThread();
        ClassLoader saved = me.getContextClassLoader();
        // a loader of its own for the test classes: the class an application's framework would give its code
        try (java.net.URLClassLoader isolated = new java.net.URLClassLoader(new java.net.URL[] {classes},
                ClassLoader.getPlatformClassLoader())) {
            me.setContextClassLoader(isolated);
            Object back = s.useVar("point").get();
            assertThat(back.getClass().getName()).isEqualTo(StoreContract.Point.class.getName());
            assertThat(back.getClass().getClassLoader()).isSameAs(isolated);
            assertThat(back.toString()).isEqualTo("Point[x=1, y=2]");
        } finally {
            me.setContextClassLoader(saved);
        }
        assertThat(s.useVar("point").get()).isEqualTo(new StoreContract.Point(1, 2)); // this code's own class again
    }

    @Test
    void memoryWrittenInTheSameTransactionIsPublishedOnlyWhenEtcdCommits() {
        EtcdStore s = open();
        set(s, "n", 0);
        EtcdStore other = open();
        Store memory = Store.create();
        AtomicInteger attempts = new AtomicInteger();
        List<Integer> memorySeenByOthers = new CopyOnWriteArrayList<>();
        Stm.atomic(() -> {
            int attempt = attempts.incrementAndGet();
            Value<Integer> log = memory.useVar("log");
            log.set(attempt);
            log.commit();
            Value<Integer> n = s.useVar("n");
            if (attempt == 1) {
                StoreContract.runInOtherThread(() -> set(other, "n", 100)); // etcd will refuse this attempt
            }
            n.set(n.get() + 1);
            n.commit();
        });
        StoreContract.runInOtherThread(() -> memorySeenByOthers.add(memory.<Integer>useVar("log").get()));
        assertThat(attempts.get()).isEqualTo(2);
        assertThat(memorySeenByOthers).containsExactly(2); // attempt 1's memory write was never published
        assertThat(s.<Integer>useVar("n").get()).isEqualTo(101);
        assertThat(memory.useVar("log").version()).isEqualTo(1); // published once
    }

    @Test
    void aTransactionThatReadsMemoryAndWritesEtcdFailsWhenTheMemoryItReadChanges() {
        EtcdStore s = open();
        Store memory = Store.create();
        set(memory, "rate", 2);
        AtomicInteger attempts = new AtomicInteger();
        Stm.atomic(() -> {
            int rate = memory.<Integer>useVar("rate").get();
            if (attempts.incrementAndGet() == 1) {
                StoreContract.runInOtherThread(() -> set(memory, "rate", 3));
            }
            set(s, "price", 10 * rate);
        });
        assertThat(attempts.get()).isEqualTo(2);
        assertThat(s.<Integer>useVar("price").get()).isEqualTo(30);
    }

    @Test
    void orElseUndoesTheEtcdWritesOfTheAlternativeThatRetried() {
        EtcdStore s = open();
        String chosen = Stm.orElse(() -> {
            set(s, "first", "written");
            Value<String> gate = s.useVar("gate");
            if (gate.get() == null) {
                Stm.retry();
            }
            return "first";
        }, () -> {
            set(s, "second", "written");
            return "second";
        });
        assertThat(chosen).isEqualTo("second");
        assertThat(s.names()).containsExactly("second");
    }

    @Test
    void retryOnAListingWakesWhenAKeyAppearsInTheNamespace() throws Exception {
        EtcdStore s = open();
        EtcdStore other = open();
        AtomicInteger attempts = new AtomicInteger();
        java.util.concurrent.CountDownLatch waiting = new java.util.concurrent.CountDownLatch(1);
        List<Object> result = new CopyOnWriteArrayList<>();
        Thread waiter = new Thread(() -> result.add(Stm.atomic(() -> {
            attempts.incrementAndGet();
            if (s.names().isEmpty()) {
                waiting.countDown();
                Stm.retry();
            }
            return s.names();
        })), "waiter");
        waiter.start();
        assertThat(waiting.await(20, TimeUnit.SECONDS)).isTrue();
        set(other, "arrived", true);
        waiter.join(TimeUnit.SECONDS.toMillis(30));
        assertThat(waiter.isAlive()).isFalse();
        assertThat(result).containsExactly(java.util.Set.of("arrived"));
    }

    @Test
    void aCompactedRevisionRestartsTheAttempt() {
        EtcdStore s = open();
        set(s, "a", 1);
        set(s, "b", 1);
        EtcdStore other = open();
        AtomicInteger attempts = new AtomicInteger();
        int sum = Stm.atomic(() -> {
            int a = s.<Integer>useVar("a").get();
            if (attempts.incrementAndGet() == 1) {
                StoreContract.runInOtherThread(() -> {
                    set(other, "b", 2);
                    EtcdTests.compactNow(other);
                });
            }
            return a + s.<Integer>useVar("b").get();
        });
        assertThat(attempts.get()).isEqualTo(2);
        assertThat(sum).isEqualTo(3);
    }

    @Test
    void versionsOfValuesCommittedInsideATransactionAreTheCommitsRevision() {
        EtcdStore s = open();
        List<Value<Integer>> committed = new ArrayList<>();
        Stm.atomic(() -> {
            committed.clear();
            Value<Integer> v = s.useVar("v");
            v.set(1);
            v.commit();
            assertThat(v.version()).isZero(); // staged: its version is the one it was read at
            committed.add(v);
        });
        assertThat(committed.get(0).version()).isPositive().isEqualTo(s.useVar("v").version());
    }

    static <T> void set(Store s, String key, T value) {
        Value<T> v = s.useVar(key);
        v.set(value);
        v.commit();
    }
}
