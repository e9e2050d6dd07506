package io.stm4j.internal;

import io.stm4j.BusyRetry;
import io.stm4j.Changeset;
import io.stm4j.ConcurrentUpdate;
import io.stm4j.Store;
import io.stm4j.StoreStats;
import io.stm4j.Value;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The keyed store: one {@link Cell} per key, created on first use. Outside a transaction each call
 * is a transaction of its own and reports conflicts to the caller, as in Axon.STM; inside one, the
 * calls join it.
 */
final class VersionedStore implements Store {
    /**
     * How long a read outside a transaction waits for a committer before {@link BusyRetry}: steps of
     * {@link Backoff#await}, 64 spins then about 4,000 yields (parks of up to 64 µs on a virtual
     * thread), so that a committer descheduled on a busy machine gets to finish first.
     */
    private static final int BUSY_SPINS = 1 << 12;
    private static final int SNAPSHOT_TRIES = 8;

    private final ConcurrentHashMap<String, Cell> cells = new ConcurrentHashMap<>();
    private final String label;

    final StatsRecorder recorder;

    VersionedStore(String label) {
        this.label = label;
        this.recorder = StatsRecorder.forStore(label);
    }

    Cell cell(String key) {
        Cell c = cells.get(key);
        return c != null ? c : cells.computeIfAbsent(key, k -> new Cell(k, recorder, null, 0L, 0L));
    }

    @Override
    public StoreStats stats() {
        return recorder.snapshot();
    }

    @Override
    public <T> Value<T> useVar(String key) {
        Objects.requireNonNull(key, "key");
        return read(cell(key), Txn.current());
    }

    @SuppressWarnings("unchecked")
    private <T> StoreValue<T> read(Cell c, Txn t) {
        if (t.active()) {
            long[] seq = new long[1];
            Object v = t.readRefWithSeq(c, seq);
            return new StoreValue<>(this, c, seq[0], (T) v);
        }
        Version v = NonTxn.latest(c, BUSY_SPINS);
        if (v == null) {
            throw busy(c);
        }
        return new StoreValue<>(this, c, v.seq, (T) v.ref);
    }

    @Override
    public Changeset using(String... keys) {
        Cell[] cs = cellsOf(keys);
        LinkedHashMap<String, StoreValue<Object>> values = new LinkedHashMap<>();
        Txn t = Txn.current();
        if (t.active()) {
            for (Cell c : cs) {
                values.put((String) c.name(), read(c, t));
            }
        } else {
            Version[] vs = snapshotOf(keys).versions; // the keys exist now: created above
            for (int i = 0; i < cs.length; i++) {
                values.put((String) cs[i].name(), new StoreValue<>(this, cs[i], vs[i].seq, vs[i].ref));
            }
        }
        return new StoreChangeset(this, values);
    }

    /** Keys and their versions, read as one snapshot; or the cell that kept the snapshot from being taken. */
    private static final class Snap {
        final String[] keys;
        final Version[] versions;
        final Cell missing;

        Snap(String[] keys, Version[] versions, Cell missing) {
            this.keys = keys;
            this.versions = versions;
            this.missing = missing;
        }
    }

    /**
     * One consistent snapshot outside a transaction, without creating keys. The key list (all keys
     * when {@code keys} is null) and the cells are read after the snapshot time is taken, so a key
     * created and committed concurrently falls entirely before or entirely after the snapshot.
     */
    private Snap snapshotOf(String[] keys) {
        Snap snap = trySnapshotOf(keys);
        if (snap.missing != null) {
            throw busy(snap.missing);
        }
        return snap;
    }

    /**
     * {@link #snapshotOf} without the {@link BusyRetry}: after {@link #SNAPSHOT_TRIES} failed tries
     * the result names the cell that was busy or whose history no longer reached back.
     */
    private Snap trySnapshotOf(String[] keys) {
        Cell missing = null;
        for (int attempt = 0; attempt < SNAPSHOT_TRIES; attempt++) {
            long rv = GlobalClock.now();
            String[] ks = keys != null ? keys : sortedKeys();
            Version[] vs = new Version[ks.length];
            missing = null;
            for (int i = 0; i < ks.length && missing == null; i++) {
                Cell c = cells.get(ks[i]);
                vs[i] = c == null ? null : NonTxn.at(c, rv, BUSY_SPINS, true);
                if (c != null && vs[i] == null) {
                    missing = c;
                }
            }
            if (missing == null) {
                return new Snap(ks, vs, null);
            }
        }
        return new Snap(null, null, missing);
    }

    /** The cells of {@code keys}, created where missing. */
    private Cell[] cellsOf(String[] keys) {
        requireKeys(keys);
        Cell[] cs = new Cell[keys.length];
        for (int i = 0; i < keys.length; i++) {
            cs[i] = cell(keys[i]);
        }
        return cs;
    }

    /** Null checks that name the bad argument. */
    private static void requireKeys(String[] keys) {
        Objects.requireNonNull(keys, "keys");
        for (int i = 0; i < keys.length; i++) {
            Objects.requireNonNull(keys[i], "keys[" + i + "]");
        }
    }

    @Override
    public <T> Value<T> set(String key, Value<T> value) {
        Objects.requireNonNull(key, "key");
        StoreValue<T> sv = own(value, "value");
        if (!sv.key().equals(key)) {
            throw new IllegalArgumentException("value of key '" + sv.key() + "' cannot be set as key '" + key + "'");
        }
        Txn t = Txn.current();
        if (t.active()) {
            stage(t, sv);
            return sv;
        }
        int r = NonTxn.commitOne(t, sv.cell, sv.version(), sv.get());
        if (r == Commit.BUSY) {
            throw busy(sv.cell);
        }
        if (r != Commit.COMMITTED) {
            throw stale(sv);
        }
        sv.committedAs(sv.version() + 1);
        return sv;
    }

    @Override
    public void setValues(Changeset values) {
        StoreChangeset cs = ownChangeset(values);
        if (cs.isCommitted()) {
            throw cs.committedTwice();
        }
        Txn t = Txn.current();
        if (t.active()) {
            if (t.isReadOnly() && cs.anyDirty()) {
                throw cs.committedInReadOnly();
            }
            for (StoreValue<Object> v : cs.values().values()) {
                if (v.isDirty()) {
                    stage(t, v);
                } else if (t.viewSeq(v.cell) != v.version()) {
                    throw t.conflict(v.cell, false);
                }
            }
            cs.markCommitted();
            return;
        }
        int n = cs.values().size();
        Cell[] cells = new Cell[n];
        long[] seqs = new long[n];
        boolean[] write = new boolean[n];
        Object[] refs = new Object[n];
        List<StoreValue<Object>> vs = new ArrayList<>(cs.values().values());
        for (int i = 0; i < n; i++) {
            StoreValue<Object> v = vs.get(i);
            cells[i] = v.cell;
            seqs[i] = v.version();
            write[i] = v.isDirty();
            refs[i] = v.get();
        }
        int r = NonTxn.commit(t, cells, seqs, write, refs);
        if (r == Commit.BUSY) {
            throw new BusyRetry("a concurrent commit holds one of " + cs.values().keySet() + "; try again");
        }
        if (r != Commit.COMMITTED) {
            throw stale(vs.get(r - Commit.STALE));
        }
        for (StoreValue<Object> v : vs) {
            if (v.isDirty()) {
                v.committedAs(v.version() + 1);
            }
        }
        cs.markCommitted();
    }

    /** Inside a transaction: check the copy is current in it, then buffer the write. */
    private void stage(Txn t, StoreValue<?> sv) {
        if (t.isReadOnly()) {
            throw sv.committedInReadOnly();
        }
        long current = t.viewSeq(sv.cell);
        if (current != sv.version()) {
            throw t.conflict(sv.cell, false);
        }
        boolean again = t.hasWritten(sv.cell);
        t.writeRef(sv.cell, sv.get());
        sv.committedAs(again ? current : current + 1);
    }

    @Override
    public Set<String> names() {
        return Collections.unmodifiableSet(new TreeSet<>(cells.keySet()));
    }

    @Override
    public Map<String, Object> export(String... keys) {
        requireKeys(keys);
        boolean all = keys.length == 0;
        Map<String, Object> out = new LinkedHashMap<>();
        Txn t = Txn.current();
        if (t.active()) {
            String[] ks = all ? sortedKeys() : keys;
            for (String k : ks) {
                Cell c = cells.get(k);
                out.put(k, c == null ? null : t.readRef(c));
            }
        } else {
            Snap snap = trySnapshotOf(all ? null : keys);
            if (snap.missing != null) {
                return inReadOnlyTransaction(() -> export(keys));
            }
            for (int i = 0; i < snap.keys.length; i++) {
                out.put(snap.keys[i], snap.versions[i] == null ? null : snap.versions[i].ref);
            }
        }
        return Collections.unmodifiableMap(out);
    }

    @Override
    public String dump() {
        StringBuilder sb = new StringBuilder();
        Txn t = Txn.current();
        if (t.active()) {
            long[] seq = new long[1];
            for (String k : sortedKeys()) {
                Object value = t.readRefWithSeq(cells.get(k), seq);
                line(sb, k, seq[0], value);
            }
        } else {
            Snap snap = trySnapshotOf(null);
            if (snap.missing != null) {
                return inReadOnlyTransaction(this::dump);
            }
            for (int i = 0; i < snap.keys.length; i++) {
                line(sb, snap.keys[i], snap.versions[i].seq, snap.versions[i].ref);
            }
        }
        return sb.toString();
    }

    /**
     * For {@link #export} and {@link #dump}, which promise a snapshot and no {@link BusyRetry}:
     * when commits keep overtaking the lock-free snapshot (a slow or descheduled reader, many
     * writers), it is taken in a read-only transaction, which is retried until it succeeds and,
     * like any transaction that keeps losing, eventually gets priority over the writers.
     */
    private static <T> T inReadOnlyTransaction(Supplier<T> read) {
        return Transactions.atomic(read, -1, -1L, true);
    }

    private static void line(StringBuilder sb, String key, long version, Object value) {
        sb.append(key).append(' ').append(version).append(' ').append(value).append('\n');
    }

    private String[] sortedKeys() {
        return new TreeSet<>(cells.keySet()).toArray(new String[0]);
    }

    @SuppressWarnings("unchecked")
    private <T> StoreValue<T> own(Value<T> value, String what) {
        Objects.requireNonNull(value, what);
        if (!(value instanceof StoreValue) || ((StoreValue<T>) value).store != this) {
            throw new IllegalArgumentException(what + " " + value + " belongs to another store than " + this);
        }
        return (StoreValue<T>) value;
    }

    private StoreChangeset ownChangeset(Changeset values) {
        Objects.requireNonNull(values, "values");
        if (!(values instanceof StoreChangeset) || ((StoreChangeset) values).store != this) {
            throw new IllegalArgumentException("changeset " + values.keys() + " belongs to another store than " + this);
        }
        return (StoreChangeset) values;
    }

    private static BusyRetry busy(Cell c) {
        return new BusyRetry("a concurrent commit holds key '" + c.name() + "'; try again");
    }

    private ConcurrentUpdate stale(StoreValue<?> v) {
        return new ConcurrentUpdate("key '" + v.key() + "' was committed by someone else since version "
                + v.version() + " was read (store has version " + v.cell.head().seq + ")");
    }

    @Override
    public String toString() {
        return label != null ? "Store[" + label + "]" : "Store@" + Integer.toHexString(System.identityHashCode(this));
    }

    /** @return the store's cells, live (for audits) */
    java.util.Collection<Cell> cells() {
        return cells.values();
    }
}
