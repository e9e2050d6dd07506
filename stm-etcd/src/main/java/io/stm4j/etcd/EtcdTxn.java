package io.stm4j.etcd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stm4j.BusyRetry;
import io.stm4j.ConcurrentUpdate;
import io.stm4j.etcd.GatewayException.Kind;
import io.stm4j.etcd.Ops.Kv;
import io.stm4j.internal.Participant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one transaction does with the etcd stores of one cluster: its revision R, the keys it read
 * there (with their {@code mod_revision}), the whole namespaces it listed, and the writes it staged;
 * the engine's {@link Participant}, so that the outermost commit is one etcd transaction that
 * decides for the in-memory part too (see {@link EtcdStore}).
 *
 * <p>Used by the transaction's thread only, but {@link #watch}'s callback.
 */
final class EtcdTxn extends Participant {
    /** The store that joined first: its gateway and committer serve the transaction. */
    private final EtcdStore home;
    /** The revision every read of this attempt is at; 0 until the first read. */
    private long rev;
    /** Full key to what was read; a null value: the key did not exist at R. */
    private final Map<String, Kv> reads = new HashMap<>();
    /** Stores whose whole namespace this attempt listed (names, export(), dump). */
    private final List<EtcdStore> listed = new ArrayList<>(1);
    private final LinkedHashMap<String, Staged> writes = new LinkedHashMap<>();
    /** What etcd sent back with the last refusal, for the next attempt to start from (at {@link #prefetchRev}). */
    private Map<String, Kv> prefetch;
    private long prefetchRev;
    private Map<String, Kv> nextPrefetch;
    private long nextPrefetchRev;
    private Throwable cause;
    private Watcher watcher;

    /** A write staged by a commit inside the transaction. */
    private static final class Staged {
        final EtcdStore store;
        final Object value;
        final byte[] bytes;
        /** The key's version in this transaction when it was staged: what the commit compares. */
        final long version;
        /** The copies committed here, whose version becomes the commit's revision. */
        final List<EtcdValue<?>> values;

        Staged(EtcdStore store, Object value, byte[] bytes, long version, List<EtcdValue<?>> values) {
            this.store = store;
            this.value = value;
            this.bytes = bytes;
            this.version = version;
            this.values = values;
        }
    }

    EtcdTxn(EtcdStore home) {
        this.home = home;
    }

    /** A store joins: it must be of the same cluster. */
    void admit(EtcdStore store) {
        if (store != home && !store.cluster.equals(home.cluster) && !store.clusterId().equals(home.clusterId())) {
            throw new IllegalStateException("a transaction can use the etcd stores of one cluster only: it uses "
                    + home + " (cluster " + home.cluster + ") and now " + store + " (cluster " + store.cluster + ")");
        }
    }

    // ------------------------------------------------------------------ reads

    <T> EtcdValue<T> read(EtcdStore store, String key) {
        String full = store.full(key);
        Staged s = writes.get(full);
        if (s != null) {
            @SuppressWarnings("unchecked")
            T v = (T) s.value;
            return new EtcdValue<>(store, key, s.version, v);
        }
        return store.value(key, fetch(full));
    }

    /** {@link #read} of several keys: those not read yet in one request (one etcd txn of reads at R). */
    LinkedHashMap<String, EtcdValue<Object>> readAll(EtcdStore store, String[] keys) {
        List<String> missing = new ArrayList<>();
        for (String k : keys) {
            String full = store.full(k);
            if (!writes.containsKey(full) && !reads.containsKey(full) && (prefetch == null || !prefetch.containsKey(full))
                    && !missing.contains(full)) {
                missing.add(full);
            }
        }
        if (missing.size() > 1) {
            if (rev == 0L && prefetch != null) {
                rev = prefetchRev;
            }
            for (int from = 0; from < missing.size(); from += store.maxTxnOps) {
                List<String> chunk = missing.subList(from, Math.min(missing.size(), from + store.maxTxnOps));
                List<ObjectNode> ops = new ArrayList<>();
                for (String full : chunk) {
                    ops.add(Ops.rangeOp(full, rev));
                }
                JsonNode answer = readOrRerun(() -> home.gateway.read("/v3/kv/txn", Ops.txn(List.of(), ops, List.of())),
                        "keys " + chunk);
                if (rev == 0L) {
                    rev = Ops.revision(answer);
                }
                for (int i = 0; i < chunk.size(); i++) {
                    List<Kv> kvs = Ops.kvs(Ops.responseRange(answer, i));
                    reads.put(chunk.get(i), kvs.isEmpty() ? null : kvs.get(0));
                }
            }
        }
        LinkedHashMap<String, EtcdValue<Object>> out = new LinkedHashMap<>();
        for (String k : keys) {
            out.put(k, read(store, k));
        }
        return out;
    }

    /** The key at R, read once per attempt. */
    private Kv fetch(String full) {
        if (reads.containsKey(full)) {
            return reads.get(full);
        }
        if (rev == 0L && prefetch != null) {
            rev = prefetchRev;
        }
        Kv kv;
        if (prefetch != null && prefetch.containsKey(full)) {
            kv = prefetch.get(full);
        } else {
            JsonNode answer = readOrRerun(() -> home.gateway.read("/v3/kv/range", Ops.range(full, null, rev, 0L)),
                    "key '" + full + "'");
            if (rev == 0L) {
                rev = Ops.revision(answer);
            }
            List<Kv> kvs = Ops.kvs(answer);
            kv = kvs.isEmpty() ? null : kvs.get(0);
        }
        reads.put(full, kv);
        return kv;
    }

    /** Every key of {@code store}'s namespace at R, with this transaction's own writes. */
    TreeMap<String, Kv> list(EtcdStore store) {
        if (rev == 0L && prefetch != null) {
            rev = prefetchRev;
        }
        long[] at = new long[1];
        TreeMap<String, Kv> all = readOrRerun(() -> store.list(rev, false, at), "the keys of " + store);
        rev = at[0];
        if (!listed.contains(store)) {
            listed.add(store);
        }
        writes.forEach((full, s) -> {
            if (s.store == store) {
                all.put(store.userKey(full), new Kv(full, s.version, 0L, s.bytes));
            }
        });
        return all;
    }

    private interface Read<T> {
        T run() throws GatewayException;
    }

    /** A read at R; no quorum re-runs the body (with backoff), a compacted R restarts the attempt. */
    private <T> T readOrRerun(Read<T> read, String what) {
        try {
            return read.run();
        } catch (GatewayException e) {
            if (e.kind == Kind.REJECTED) {
                throw new IllegalStateException("etcd rejected the read of " + what + ": " + e.getMessage(), e);
            }
            if (e.kind == Kind.INTERRUPTED) {
                throw e.interrupted("reading " + what);
            }
            if (e.kind == Kind.COMPACTED) {
                throw Participant.conflict(new ConcurrentUpdate("revision " + rev + " of " + what
                        + " was compacted away during the transaction: " + e.getMessage()));
            }
            throw Participant.conflict(EtcdStore.busy("reading " + what, e));
        }
    }

    // ------------------------------------------------------------------ writes

    /** A commit of {@code v} inside the transaction: checks that it is current here, then stages it. */
    void stage(EtcdStore store, EtcdValue<?> v) {
        if (Participant.readOnly()) {
            throw v.committedInReadOnly();
        }
        String full = store.full(v.key());
        byte[] bytes = store.codec.encode(v.get()); // a value the codec cannot store fails here, before anything is sent
        Staged prev = writes.get(full);
        long view = viewVersion(full);
        if (view != v.version()) {
            throw Participant.conflict(new ConcurrentUpdate("key '" + v.key() + "' has version " + view
                    + " in this transaction, but the value committed was read at version " + v.version()));
        }
        List<EtcdValue<?>> values = new ArrayList<>(prev == null ? List.of() : prev.values);
        values.add(v);
        writes.put(full, new Staged(store, v.get(), bytes, view, values));
        Participant.onScopeUndo(() -> {
            if (prev == null) {
                writes.remove(full);
            } else {
                writes.put(full, prev);
            }
        });
        v.committedAs(view); // staged: clean, still at the version it was read at until the commit's revision
    }

    void stageAll(EtcdStore store, EtcdChangeset cs) {
        if (Participant.readOnly() && cs.anyDirty()) {
            throw cs.committedInReadOnly();
        }
        for (EtcdValue<Object> v : cs.values().values()) {
            if (v.isDirty()) {
                stage(store, v);
            } else {
                long view = viewVersion(store.full(v.key()));
                if (view != v.version()) {
                    throw Participant.conflict(new ConcurrentUpdate("key '" + v.key() + "' has version " + view
                            + " in this transaction, but the changeset read version " + v.version()));
                }
            }
        }
    }

    private long viewVersion(String full) {
        Staged s = writes.get(full);
        if (s != null) {
            return s.version;
        }
        Kv kv = fetch(full);
        return kv == null ? 0L : kv.modRevision;
    }

    // ------------------------------------------------------------------ the engine's side

    @Override
    protected void beginAttempt() {
        clear();
        prefetch = nextPrefetch;
        prefetchRev = nextPrefetchRev;
        nextPrefetch = null;
    }

    private void clear() {
        rev = 0L;
        reads.clear();
        listed.clear();
        writes.clear();
        prefetch = null;
    }

    @Override
    protected boolean hasReads() {
        return !reads.isEmpty() || !listed.isEmpty();
    }

    @Override
    protected boolean hasWrites() {
        return !writes.isEmpty();
    }

    @Override
    protected boolean commit(boolean alsoMemory) {
        List<String> readKeys = new ArrayList<>(reads.keySet());
        List<ObjectNode> compares = new ArrayList<>();
        List<ObjectNode> refetch = new ArrayList<>();
        for (String full : readKeys) {
            Kv kv = reads.get(full);
            compares.add(Ops.modEquals(full, kv == null ? 0L : kv.modRevision));
            refetch.add(Ops.rangeOp(full, 0L));
        }
        List<ObjectNode> puts = new ArrayList<>();
        for (Map.Entry<String, Staged> w : writes.entrySet()) {
            if (!reads.containsKey(w.getKey())) {
                compares.add(Ops.modEquals(w.getKey(), w.getValue().version));
            }
            puts.add(Ops.putOp(w.getKey(), w.getValue().bytes, 0L));
        }
        for (EtcdStore s : listed) {
            for (byte[][] r : s.listedRanges()) {
                compares.add(Ops.modLess(r[0], r[1], rev + 1L));
            }
        }
        String what = describe();
        home.checkKeyCount(compares.size(), !puts.isEmpty(), what);
        Committer.Result r = home.committer.commit(what, compares, puts, refetch);
        switch (r.outcome) {
            case COMMITTED:
                for (Staged s : writes.values()) {
                    for (EtcdValue<?> v : s.values) {
                        v.committedAs(r.revision);
                    }
                }
                return true;
            case REFUSED:
                Map<String, Kv> now = new HashMap<>();
                String changed = null;
                for (int i = 0; i < readKeys.size(); i++) {
                    List<Kv> kvs = Ops.kvs(Ops.responseRange(r.answer, i));
                    Kv kv = kvs.isEmpty() ? null : kvs.get(0);
                    now.put(readKeys.get(i), kv);
                    Kv before = reads.get(readKeys.get(i));
                    if (changed == null && (kv == null ? 0L : kv.modRevision) != (before == null ? 0L : before.modRevision)) {
                        changed = readKeys.get(i);
                    }
                }
                nextPrefetch = listed.isEmpty() ? now : null; // a listing must be read again whole
                nextPrefetchRev = r.revision;
                cause = new ConcurrentUpdate(changed != null ? "etcd key '" + changed + "' was changed by a concurrent commit"
                        : "a key of " + what + " was changed by a concurrent commit");
                return false;
            default:
                cause = new BusyRetry("the commit of " + what + " did not reach etcd (" + r.why + "); nothing was written");
                return false;
        }
    }

    private String describe() {
        List<String> keys = new ArrayList<>(writes.keySet());
        for (String k : reads.keySet()) {
            if (!writes.containsKey(k)) {
                keys.add(k);
            }
        }
        String s = "etcd keys " + (keys.size() > 8 ? keys.subList(0, 8) + " and " + (keys.size() - 8) + " more" : keys);
        return listed.isEmpty() ? s : s + " and a listing of " + listed;
    }

    @Override
    protected Throwable conflictCause() {
        return cause;
    }

    @Override
    protected void watch(Runnable changed) {
        List<byte[][]> ranges = new ArrayList<>();
        for (EtcdStore s : listed) {
            ranges.addAll(s.listedRanges());
        }
        watcher = Watcher.start(home.gateway, reads.keySet(), ranges, rev + 1L, changed);
    }

    @Override
    protected void unwatch() {
        Watcher w = watcher;
        watcher = null;
        if (w != null) {
            w.cancel();
        }
    }

    @Override
    protected void ended() {
        unwatch();
        clear();
        nextPrefetch = null;
        cause = null;
    }

    @Override
    public String toString() {
        return "etcd transaction on " + home.cluster + " at revision " + rev;
    }
}
