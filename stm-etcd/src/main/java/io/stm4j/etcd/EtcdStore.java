package io.stm4j.etcd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stm4j.BusyRetry;
import io.stm4j.Changeset;
import io.stm4j.ConcurrentUpdate;
import io.stm4j.Store;
import io.stm4j.Value;
import io.stm4j.etcd.GatewayException.Kind;
import io.stm4j.etcd.Ops.Kv;
import io.stm4j.internal.Participant;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * A {@link Store} kept by an etcd cluster, with every promise of the in-memory store but one: the
 * state outlives the JVM and is shared by every process that connects to the cluster.
 *
 * <p><b>Versions.</b> The version of a key is its etcd {@code mod_revision}: it grows with every
 * committed write, but by the cluster's revision, not by one. A key that does not exist has value
 * {@code null} and version 0.
 *
 * <p><b>The one difference from the in-memory store:</b> {@link #useVar} and {@link #using} of a
 * missing key write nothing (a replicated store must not turn reads into writes). They return value
 * {@code null}, version 0; the key appears in {@link #names()} once a commit writes it. Committing
 * a value of version 0 means "only if the key still does not exist".
 *
 * <p><b>Outside a transaction</b> every call is one request: {@code useVar} a linearizable read,
 * {@code using}/{@code export}/{@code dump}/{@code names} reads at one revision, {@code set} and
 * {@code setValues} one etcd transaction that compares the {@code mod_revision} of every key of
 * the changeset and writes the changed ones: {@link ConcurrentUpdate} when a compare fails, with the
 * store unchanged. A call that finds no member that can answer (no quorum, no leader) within the
 * request timeout throws {@link BusyRetry} and may simply be made again; a commit that was sent and
 * got no answer is settled first (see "Faults").
 *
 * <p><b>Inside a transaction</b> ({@code Stm.atomic}, an {@code @Atomic} method) the store joins
 * it: the first read is linearizable and fixes a revision R, every later read is at R (one
 * consistent snapshot), commits only stage writes, and the transaction's commit is one etcd
 * transaction that compares the {@code mod_revision} of every key read or written (and, for
 * {@code names}/{@code export()}/{@code dump}, that no key of the namespace changed after R). A
 * failed compare re-runs the body, which then starts from the values that etcd sent back with its
 * refusal (no extra round trip). Several stores of the same cluster (any namespaces) commit in that
 * one transaction; stores of two clusters in one transaction: {@link IllegalStateException}. If
 * the transaction also writes {@code @Shared} fields or an in-memory store, etcd decides for all of
 * it: the in-memory part is locked and validated first and published only if the etcd commit
 * succeeded. {@code Stm.retry()} waits on an etcd watch until a key read changes. A read that finds
 * no quorum re-runs the body with backoff, within the transaction's limits. A {@code Value}
 * committed inside the transaction gets its new version (the commit's revision) when the
 * outermost transaction commits. Within one attempt, the reads of memory and of etcd are each one
 * snapshot; that the two fit together is checked at the commit (an attempt may compute on a
 * combination that never existed, and is then re-run before anything is published). A transaction
 * that keeps losing to other etcd clients is re-run with backoff and jitter, as etcd's own STM
 * does: the engine's priority for a transaction that keeps losing covers memory, not etcd keys.
 *
 * <p><b>Faults.</b> A write is never sent twice blindly. Each commit also creates a marker key of
 * its own (under {@code __stm4j/}, with a lease that removes it after a few minutes); when a commit
 * gets no answer, a fence transaction on that marker settles whether it was applied, and makes sure
 * it never will be if it was not. Only then does the body run again (or, outside a transaction,
 * {@link BusyRetry} says that nothing was written). When not even the fence gets an answer within
 * the request timeout, {@link io.stm4j.CommitOutcomeUnknown} is thrown. A revision compacted away
 * under a transaction restarts its attempt. A thread interrupted while it waits for etcd ends the
 * call with an {@link io.stm4j.StmException} whose cause is an {@link InterruptedException} (its
 * flag set again); a commit already sent is settled first, and returns normally if it was applied. Everything is logged through {@link System.Logger}
 * (logger {@code io.stm4j.etcd}).
 *
 * <p><b>Limits.</b> One commit compares at most as many keys as the cluster allows operations in
 * one transaction ({@code --max-txn-ops}, 128 by default; {@link Builder#maxTxnOps}), and a commit
 * that writes uses one of them for its marker: at the default, a transaction that writes reads and
 * writes at most 127 keys in all (a transaction that only reads etcd is not limited). More is an
 * {@link IllegalArgumentException} before anything is sent. Keys are stored as UTF-8, under
 * {@code namespace + "/"} when there is a namespace; keys beginning with {@code __stm4j/} are
 * reserved in a store without one. Values are turned into bytes by a {@link ValueCodec}
 * ({@link ValueCodec#json()} by default): a value it cannot store is an
 * {@link IllegalArgumentException} at {@code set}, naming its class. Values read come back as new
 * objects decoded from etcd's bytes.
 *
 * <p>Thread-safe. {@link #close()} releases connections and watches; a closed store throws
 * {@link IllegalStateException}.
 */
public final class EtcdStore implements Store, AutoCloseable {
    /** Keys asked for at a time when listing a namespace. */
    private static final int PAGE = 1000;

    final Gateway gateway;
    final Committer committer;
    final ValueCodec codec;
    /** {@code namespace + "/"}, or "" without a namespace. */
    private final String prefix;
    private final String namespace;
    final int maxTxnOps;
    /** The cluster's identity for checks across stores: its endpoints, sorted. */
    final String cluster;
    private volatile boolean closed;
    /** The cluster's id as its members report it, once learnt. */
    private volatile String clusterId;

    private EtcdStore(Builder b) {
        this.gateway = new Gateway(b.endpoints, b.requestTimeout);
        this.committer = new Committer(gateway);
        this.codec = b.codec;
        this.namespace = b.namespace;
        this.prefix = b.namespace == null ? "" : b.namespace + "/";
        this.maxTxnOps = b.maxTxnOps;
        List<String> sorted = new ArrayList<>(b.endpoints);
        Collections.sort(sorted);
        this.cluster = sorted.toString();
    }

    /**
     * A store on the cluster at {@code endpoints}, without a namespace: keys are stored as they
     * are (UTF-8), with no prefix.
     *
     * @param endpoints client URLs ({@code http://host:port}) of members of one cluster
     * @return the store
     * @throws IllegalArgumentException if there is none, or one is not an {@code http://} URL
     */
    public static EtcdStore connect(String... endpoints) {
        return builder().endpoints(endpoints).build();
    }

    /** @return a builder; {@link Builder#endpoints} is required */
    public static Builder builder() {
        return new Builder();
    }

    /** Settings of an {@link EtcdStore}. Not thread-safe. */
    public static final class Builder {
        private List<String> endpoints;
        private String namespace;
        private Duration requestTimeout = Duration.ofSeconds(5);
        private ValueCodec codec = ValueCodec.json();
        private int maxTxnOps = 128;

        private Builder() {
        }

        /**
         * @param endpoints client URLs ({@code http://host:port}) of members of one cluster; calls
         *     go to the one that answered last and move on to the others when it does not
         * @return this builder
         * @throws IllegalArgumentException if there is none, or one is not an {@code http://} URL
         */
        public Builder endpoints(String... endpoints) {
            Objects.requireNonNull(endpoints, "endpoints");
            if (endpoints.length == 0) {
                throw new IllegalArgumentException("endpoints: at least one http://host:port client URL of the cluster");
            }
            List<String> list = new ArrayList<>();
            for (int i = 0; i < endpoints.length; i++) {
                String e = Objects.requireNonNull(endpoints[i], "endpoints[" + i + "]");
                URI u;
                try {
                    u = URI.create(e);
                } catch (IllegalArgumentException bad) {
                    throw new IllegalArgumentException("endpoints[" + i + "] '" + e + "' is not a URL", bad);
                }
                if (!"http".equals(u.getScheme()) || u.getHost() == null || u.getPort() < 0) {
                    throw new IllegalArgumentException("endpoints[" + i + "] '" + e
                            + "' is not an http://host:port client URL (https is not supported)");
                }
                list.add(e.endsWith("/") ? e.substring(0, e.length() - 1) : e);
            }
            this.endpoints = List.copyOf(list);
            return this;
        }

        /**
         * @param namespace keys live under {@code namespace + "/"}; {@link EtcdStore#names()} returns them
         *     without it, and stores of two namespaces never see each other's keys
         * @return this builder
         * @throws IllegalArgumentException if it is empty, contains {@code /}, or is the reserved {@code __stm4j}
         */
        public Builder namespace(String namespace) {
            Objects.requireNonNull(namespace, "namespace");
            if (namespace.isEmpty() || namespace.contains("/")) {
                throw new IllegalArgumentException("namespace '" + namespace + "' must be non-empty and contain no '/'");
            }
            if (namespace.equals(Committer.MARKER_ROOT.substring(0, Committer.MARKER_ROOT.length() - 1))) {
                throw new IllegalArgumentException("namespace '" + namespace + "' is reserved for stm4j's commit markers");
            }
            this.namespace = namespace;
            return this;
        }

        /**
         * @param timeout how long one call waits for the cluster (all members tried) before it gives up;
         *     5 seconds by default
         * @return this builder
         * @throws IllegalArgumentException if it is not positive
         */
        public Builder requestTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isZero() || timeout.isNegative()) {
                throw new IllegalArgumentException("requestTimeout must be positive, got " + timeout);
            }
            this.requestTimeout = timeout;
            return this;
        }

        /**
         * @param codec how values become bytes and back; {@link ValueCodec#json()} by default
         * @return this builder
         */
        public Builder codec(ValueCodec codec) {
            this.codec = Objects.requireNonNull(codec, "codec");
            return this;
        }

        /**
         * @param maxTxnOps the cluster's {@code --max-txn-ops}: how many operations one etcd transaction may
         *     have (128 unless the cluster was started with another)
         * @return this builder
         * @throws IllegalArgumentException if it is less than 2
         */
        public Builder maxTxnOps(int maxTxnOps) {
            if (maxTxnOps < 2) {
                throw new IllegalArgumentException("maxTxnOps must be at least 2, got " + maxTxnOps);
            }
            this.maxTxnOps = maxTxnOps;
            return this;
        }

        /**
         * @return the store; nothing is sent until it is used
         * @throws IllegalStateException if no endpoints were given
         */
        public EtcdStore build() {
            if (endpoints == null) {
                throw new IllegalStateException("EtcdStore.builder(): endpoints(...) is required");
            }
            return new EtcdStore(this);
        }
    }

    /**
     * @return the id of the cluster this store's members belong to (asked once)
     * @throws BusyRetry if no member answers
     */
    String clusterId() {
        String id = clusterId;
        if (id == null) {
            id = Ops.clusterId(readOutside("/v3/maintenance/status", Ops.obj(), "the cluster's status"));
            clusterId = id;
        }
        return id;
    }

    // ------------------------------------------------------------------ keys

    String full(String key) {
        return prefix + key;
    }

    String userKey(String full) {
        return full.substring(prefix.length());
    }

    private String checkedKey(String key, String what) {
        Objects.requireNonNull(key, what);
        if (prefix.isEmpty()) {
            if (key.isEmpty()) {
                throw new IllegalArgumentException(what + " is empty: etcd has no empty key (use a namespace for one)");
            }
            if (key.startsWith(Committer.MARKER_ROOT)) {
                throw new IllegalArgumentException(what + " '" + key + "' is reserved: keys beginning with "
                        + Committer.MARKER_ROOT + " hold stm4j's commit markers");
            }
        }
        return key;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException(this + " is closed");
        }
    }

    /** The current transaction's etcd participant, joined by this store; null outside a transaction. */
    private EtcdTxn txn() {
        checkOpen();
        EtcdTxn t = Participant.join(EtcdTxn.class, () -> new EtcdTxn(this));
        if (t != null) {
            t.admit(this);
        }
        return t;
    }

    // ------------------------------------------------------------------ reads

    @Override
    public <T> Value<T> useVar(String key) {
        checkedKey(key, "key");
        EtcdTxn t = txn();
        if (t != null) {
            return t.read(this, key);
        }
        JsonNode answer = readOutside("/v3/kv/range", Ops.range(full(key), null, 0L, 0L), "key '" + key + "'");
        List<Kv> kvs = Ops.kvs(answer);
        return value(key, kvs.isEmpty() ? null : kvs.get(0));
    }

    @SuppressWarnings("unchecked")
    <T> EtcdValue<T> value(String key, Kv kv) {
        return kv == null ? new EtcdValue<>(this, key, 0L, null) : new EtcdValue<>(this, key, kv.modRevision, (T) codec.decode(kv.value));
    }

    @Override
    public Changeset using(String... keys) {
        requireKeys(keys);
        LinkedHashMap<String, EtcdValue<Object>> values = new LinkedHashMap<>();
        EtcdTxn t = txn();
        if (t != null) {
            values = t.readAll(this, keys);
        } else {
            Map<String, Kv> found = readAtOneRevision(keys);
            for (String k : keys) {
                values.put(k, value(k, found.get(k)));
            }
        }
        return new EtcdChangeset(this, values);
    }

    private void requireKeys(String[] keys) {
        Objects.requireNonNull(keys, "keys");
        for (int i = 0; i < keys.length; i++) {
            checkedKey(keys[i], "keys[" + i + "]");
        }
    }

    /**
     * Outside a transaction: the keys, read as one snapshot. One etcd transaction of reads (a
     * linearizable one), in chunks of {@link #maxTxnOps} whose later ones read at the first's revision.
     */
    private Map<String, Kv> readAtOneRevision(String[] keys) {
        Map<String, Kv> out = new HashMap<>();
        long rev = 0L;
        for (int from = 0; from < keys.length; from += maxTxnOps) {
            int to = Math.min(keys.length, from + maxTxnOps);
            List<ObjectNode> ops = new ArrayList<>();
            for (int i = from; i < to; i++) {
                ops.add(Ops.rangeOp(full(keys[i]), rev));
            }
            JsonNode answer = readOutside("/v3/kv/txn", Ops.txn(List.of(), ops, List.of()), "keys " + Arrays.toString(keys));
            if (rev == 0L) {
                rev = Ops.revision(answer);
            }
            for (int i = from; i < to; i++) {
                List<Kv> kvs = Ops.kvs(Ops.responseRange(answer, i - from));
                if (!kvs.isEmpty()) {
                    out.put(keys[i], kvs.get(0));
                }
            }
        }
        return out;
    }

    private JsonNode readOutside(String path, ObjectNode body, String what) {
        try {
            return gateway.read(path, body);
        } catch (GatewayException e) {
            if (e.kind == Kind.REJECTED) {
                throw new IllegalStateException("etcd rejected the read of " + what + ": " + e.getMessage(), e);
            }
            if (e.kind == Kind.INTERRUPTED) {
                throw e.interrupted("reading " + what);
            }
            throw busy("reading " + what, e);
        }
    }

    static BusyRetry busy(String doing, GatewayException e) {
        // BusyRetry is a cheap control-flow exception without a cause: the message carries it
        return new BusyRetry("etcd could not answer " + doing + " (" + e.getMessage() + "); try again");
    }

    /**
     * Every key of the namespace with its value, at one revision: the first page read linearizably,
     * the next ones at its revision.
     *
     * @param revision 0 for now (the revision read is put in {@code at[0]}), else the revision to read at
     * @param keysOnly whether to leave the values out
     */
    TreeMap<String, Kv> list(long revision, boolean keysOnly, long[] at) throws GatewayException {
        String start = prefix.isEmpty() ? "\0" : prefix;
        byte[] end = prefix.isEmpty() ? new byte[] {0} : Ops.prefixEnd(prefix);
        TreeMap<String, Kv> out = new TreeMap<>();
        long rev = revision;
        while (true) {
            ObjectNode r = Ops.range(start, end, rev, PAGE);
            if (keysOnly) {
                r.put("keys_only", true);
            }
            JsonNode answer = gateway.read("/v3/kv/range", r);
            if (rev == 0L) {
                rev = Ops.revision(answer);
            }
            List<Kv> page = Ops.kvs(answer);
            for (Kv kv : page) {
                if (!kv.key.startsWith(Committer.MARKER_ROOT) || !prefix.isEmpty()) {
                    out.put(userKey(kv.key), kv);
                }
            }
            if (!Ops.more(answer) || page.isEmpty()) {
                break;
            }
            start = page.get(page.size() - 1).key + "\0";
        }
        if (at != null) {
            at[0] = rev;
        }
        return out;
    }

    /**
     * The key ranges [start, end) whose keys {@link #list} returns, for a transaction's compare and
     * watch: the namespace, or without one every key but stm4j's commit markers (which every commit
     * writes: a listing must not conflict with commits of other keys).
     */
    List<byte[][]> listedRanges() {
        if (!prefix.isEmpty()) {
            return Collections.singletonList(new byte[][] {prefix.getBytes(StandardCharsets.UTF_8), Ops.prefixEnd(prefix)});
        }
        return List.of(new byte[][] {{0}, Committer.MARKER_ROOT.getBytes(StandardCharsets.UTF_8)},
                new byte[][] {Ops.prefixEnd(Committer.MARKER_ROOT), {0}});
    }

    @Override
    public Set<String> names() {
        EtcdTxn t = txn();
        TreeMap<String, Kv> all = t != null ? t.list(this) : listOutside(true);
        return Collections.unmodifiableSet(new java.util.TreeSet<>(all.keySet()));
    }

    private TreeMap<String, Kv> listOutside(boolean keysOnly) {
        try {
            return list(0L, keysOnly, null);
        } catch (GatewayException e) {
            String what = "listing " + (prefix.isEmpty() ? "the keys" : "namespace '" + namespace + "'");
            throw e.kind == Kind.INTERRUPTED ? e.interrupted(what) : busy(what, e);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>On an etcd store it never throws {@link BusyRetry} because of a concurrent commit (reads at
     * one revision never wait for writers), but does when no member can answer.
     */
    @Override
    public Map<String, Object> export(String... keys) {
        requireKeys(keys);
        Map<String, Object> out = new LinkedHashMap<>();
        EtcdTxn t = txn();
        if (keys.length == 0) {
            TreeMap<String, Kv> all = t != null ? t.list(this) : listOutside(false);
            all.forEach((k, kv) -> out.put(k, codec.decode(kv.value)));
        } else if (t != null) {
            t.readAll(this, keys).forEach((k, v) -> out.put(k, v.get()));
        } else {
            Map<String, Kv> found = readAtOneRevision(keys);
            for (String k : keys) {
                Kv kv = found.get(k);
                out.put(k, kv == null ? null : codec.decode(kv.value));
            }
        }
        return Collections.unmodifiableMap(out);
    }

    /**
     * {@inheritDoc}
     *
     * <p>The version on each line is the key's {@code mod_revision}.
     */
    @Override
    public String dump() {
        EtcdTxn t = txn();
        TreeMap<String, Kv> all = t != null ? t.list(this) : listOutside(false);
        StringBuilder sb = new StringBuilder();
        all.forEach((k, kv) -> sb.append(k).append(' ').append(kv.modRevision).append(' ')
                .append(codec.decode(kv.value)).append('\n'));
        return sb.toString();
    }

    // ------------------------------------------------------------------ commits

    @Override
    public <T> Value<T> set(String key, Value<T> value) {
        checkedKey(key, "key");
        EtcdValue<T> v = own(value);
        if (!v.key().equals(key)) {
            throw new IllegalArgumentException("value of key '" + v.key() + "' cannot be set as key '" + key + "'");
        }
        EtcdTxn t = txn();
        if (t != null) {
            t.stage(this, v);
            return v;
        }
        @SuppressWarnings("unchecked")
        EtcdValue<Object> any = (EtcdValue<Object>) v;
        commitOutside(List.of(any), "key '" + key + "'");
        return v;
    }

    @Override
    public void setValues(Changeset values) {
        EtcdChangeset cs = ownChangeset(values);
        if (cs.isCommitted()) {
            throw cs.committedTwice();
        }
        EtcdTxn t = txn();
        if (t != null) {
            t.stageAll(this, cs);
        } else {
            commitOutside(new ArrayList<>(cs.values().values()), "keys " + cs.values().keySet());
        }
        cs.markCommitted();
    }

    /** Outside a transaction: one etcd transaction comparing every value's version, writing the changed ones. */
    private void commitOutside(List<EtcdValue<Object>> values, String what) {
        checkKeyCount(values.size(), values.stream().anyMatch(EtcdValue::isDirty), what);
        List<ObjectNode> compares = new ArrayList<>();
        List<ObjectNode> puts = new ArrayList<>();
        List<ObjectNode> reads = new ArrayList<>();
        for (EtcdValue<Object> v : values) {
            String full = full(v.key());
            compares.add(Ops.modEquals(full, v.version()));
            reads.add(Ops.rangeOp(full, 0L));
            if (v.isDirty()) {
                puts.add(Ops.putOp(full, codec.encode(v.get()), 0L));
            }
        }
        Committer.Result r = committer.commit(what, compares, puts, reads);
        switch (r.outcome) {
            case COMMITTED:
                for (EtcdValue<Object> v : values) {
                    if (v.isDirty()) {
                        v.committedAs(r.revision);
                    }
                }
                return;
            case REFUSED:
                throw stale(values, r.answer);
            default:
                throw new BusyRetry("the commit of " + what + " did not reach etcd (" + r.why + "); nothing was written; try again");
        }
    }

    /** The {@link ConcurrentUpdate} for a refused commit: names the first key whose version moved. */
    private ConcurrentUpdate stale(List<EtcdValue<Object>> values, JsonNode answer) {
        for (int i = 0; i < values.size(); i++) {
            EtcdValue<Object> v = values.get(i);
            List<Kv> now = Ops.kvs(Ops.responseRange(answer, i));
            long current = now.isEmpty() ? 0L : now.get(0).modRevision;
            if (current != v.version()) {
                return new ConcurrentUpdate("key '" + v.key() + "' was committed by someone else since version "
                        + v.version() + " was read (store has version " + current + ")");
            }
        }
        return new ConcurrentUpdate("one of " + values + " was committed by someone else");
    }

    /**
     * @throws IllegalArgumentException if one commit of {@code keys} keys is more than the cluster takes
     */
    void checkKeyCount(int keys, boolean writes, String what) {
        int ops = keys + (writes ? 1 : 0);
        if (ops > maxTxnOps) {
            throw new IllegalArgumentException("the commit of " + keys + " keys (" + what.substring(0, Math.min(what.length(), 200))
                    + ") is more than etcd takes in one transaction: the cluster allows " + maxTxnOps
                    + " operations per transaction" + (writes ? ", and a commit that writes uses one for its marker key, so at most "
                    + (maxTxnOps - 1) + " keys" : "") + "; nothing was sent");
        }
    }

    @SuppressWarnings("unchecked")
    private <T> EtcdValue<T> own(Value<T> value) {
        Objects.requireNonNull(value, "value");
        if (!(value instanceof EtcdValue) || ((EtcdValue<T>) value).store != this) {
            throw new IllegalArgumentException("value " + value + " belongs to another store than " + this);
        }
        return (EtcdValue<T>) value;
    }

    private EtcdChangeset ownChangeset(Changeset values) {
        Objects.requireNonNull(values, "values");
        if (!(values instanceof EtcdChangeset) || ((EtcdChangeset) values).store != this) {
            throw new IllegalArgumentException("changeset " + values.keys() + " belongs to another store than " + this);
        }
        return (EtcdChangeset) values;
    }

    // ------------------------------------------------------------------ the rest

    /**
     * Releases the store's connections and watches (on JDK 17, where the JDK's {@code HttpClient}
     * cannot be shut down, idle connections end by themselves a little later). Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Object http = gateway.http();
        java.lang.reflect.Method shutdownNow;
        try {
            shutdownNow = java.net.http.HttpClient.class.getMethod("shutdownNow"); // JDK 21+: ends connections and watches now
        } catch (NoSuchMethodException e) {
            return; // JDK 17: connections end when idle, watches when their transactions end
        }
        try {
            shutdownNow.invoke(http);
        } catch (ReflectiveOperationException e) {
            System.getLogger("io.stm4j.etcd").log(System.Logger.Level.WARNING, "closing " + this, e);
        }
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public String toString() {
        return "EtcdStore" + gateway.endpoints() + (namespace != null ? "[namespace=" + namespace + "]" : "");
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
