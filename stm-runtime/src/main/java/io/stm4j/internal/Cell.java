package io.stm4j.internal;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The versioned cell behind one store key or one {@code @Shared} field: the newest committed
 * version inline ({@link #ref}/{@link #prim}, {@link #seq}, and its stamp in {@link #meta}), older
 * versions only while snapshot readers need them ({@link #prev}), and a lock word naming the
 * committing transaction that owns it.
 *
 * <p>Protocol ({@link Commit}): a committer try-locks its cells ({@link #owner} from null to
 * itself), takes a clock tick, validates, installs new heads and unlocks. Readers read {@link #owner} before
 * the head; a cell locked by a committer whose stamp may fall inside the reader's snapshot
 * is waited for (the committer does not wait while holding locks, so the wait is short; the one
 * exception, the privileged transaction's validation, is in {@link ContentionManager}).
 *
 * <p><b>The head inline, read as a seqlock.</b> An install overwrites the head's fields in place,
 * so a steady stream of writes allocates nothing. It first sets {@link #INSTALLING} in
 * {@link #meta} (with the new stamp), then writes the fields, then stores the new
 * {@code meta} with release semantics. A reader loads {@code meta} (acquire), the fields, then
 * (after a load-load fence) {@code meta} again: the fields belong to the stamp it read only if
 * the two loads are equal and {@code INSTALLING} is clear; otherwise it reads again. So a reader
 * never pairs a value with another write's stamp or seq (jcstress {@code CellPublicationTest},
 * {@code HeadSeqlockTest}). {@link #head()} does this for the cold paths, as a {@link Version}.
 *
 * <p><b>History on demand.</b> A cell keeps older versions only while snapshot readers need
 * them: {@link #keep()} starts at 0 (the head alone, no history), a snapshot read that finds the
 * history too short for it ({@link #wantHistory}) doubles it (up to {@link #MAX_KEEP}), and it
 * halves again after {@link #SHRINK_EVERY} installs in which no reader used an older version
 * ({@link #USED}). Read-write transactions never need history (they extend their snapshot
 * instead), and neither does a read outside a transaction (it reads the head). So a cell that no
 * read-only transaction or store snapshot reads holds one version, however often it is written;
 * this is Clojure's ref history (grown on a reader's fault), made to shrink too.
 *
 * <p>Not API: public only so that agent-generated code can hold cells in its fields.
 */
public final class Cell extends CellHead {
    /**
     * The most older versions a cell keeps for snapshot readers (a power of two; a cell keeps at
     * most twice as many between trims).
     */
    static final int MAX_KEEP = Integer.highestOneBit(Math.max(1, Math.min(1 << 20, Integer.getInteger("stm4j.maxHistory", 64))));
    /** After how many installs (a power of two) unused history halves. */
    static final int SHRINK_EVERY = 1024;

    /**
     * The ticket of the last privileged transaction that read or wrote this cell (0 if none ever
     * did): a commit that locks a cell marked by the current tenure waits for it before it
     * publishes ({@link ContentionManager}). Old tickets are harmless: they match no tenure.
     */
    volatile long mark;
    /**
     * How many older versions installs keep ({@link #keep()}: 0 or a power of two up to
     * {@link #MAX_KEEP}), and {@link #USED}: whether a reader used an older version since the last
     * shrink check. One word, written racily by readers ({@link #wantHistory}, {@link #usedHistory})
     * and by committers under the lock (shrinking); a lost update costs one reader one more
     * attempt, never a wrong value.
     */
    private int history;
    /** {@link #history}'s bit for "a reader used the history since the last shrink check". */
    private static final int USED = 1 << 30;
    /** Random, for the write set's bloom filter and hash index. */
    final int hash;
    /**
     * The newest older version, null if the cell keeps no history ({@link #keep()} 0); the chain
     * holds between {@code keep} and {@code 2 * keep} versions. Written with the head, under
     * {@link #meta}'s seqlock.
     */
    Version prev;
    /**
     * For a field's cell, its {@link FieldMeta}: every install writes the declared field too, so
     * that reflective readers (serialization, JSON mappers, debuggers) see committed state. For any
     * other cell, the {@link StatsRecorder} of the store it counts in. One field for both, so that
     * a cell stays within 72 bytes.
     */
    private final Object about;

    /** A cell of no store and no object (the engine's own tests). */
    Cell(Object name, Object ref, long prim) {
        this(name, StatsRecorder.DETACHED, ref, prim, 0L);
    }

    /**
     * A store key's or a collection's cell.
     *
     * @param name the key, or the collection's name, for messages and statistics
     * @param stats the statistics of the store it belongs to
     * @param since the clock value from which the initial value holds: 0 (always) for store keys;
     *     a collection's cell that replaces a retired one holds its initial value only from when
     *     the retired one did ({@link CellAccess})
     */
    Cell(Object name, StatsRecorder stats, Object ref, long prim, long since) {
        this(name, (Object) stats, ref, prim, since);
    }

    /**
     * A {@code @Shared} field's cell, counted in the default store's statistics.
     *
     * @param home the object (null for a static field)
     */
    Cell(FieldMeta field, Object home, Object ref, long prim) {
        this(home, (Object) field, ref, prim, 0L);
    }

    private Cell(Object home, Object about, Object ref, long prim, long since) {
        super(home);
        this.about = about;
        this.hash = ThreadLocalRandom.current().nextInt() | 1;
        this.ref = ref;
        this.prim = prim;
        this.meta = since << 1; // volatile: orders the fields above for whoever reads meta
    }

    /** @return the {@code @Shared} field this cell backs, or null for a store key's or collection's cell */
    FieldMeta field() {
        return about instanceof FieldMeta ? (FieldMeta) about : null;
    }

    /** @return the statistics of the store this cell counts in (the default store for fields) */
    StatsRecorder stats() {
        return about instanceof StatsRecorder ? (StatsRecorder) about : RuntimeProvider.defaultRecorder();
    }

    /** @return the key, the collection's name, or the field's name, for messages and statistics */
    Object name() {
        return about instanceof FieldMeta ? ((FieldMeta) about).displayName : home;
    }

    /** @return how many older versions installs keep now */
    int keep() {
        return history & ~USED;
    }

    /** @return the head's stamp, or the stamp being installed (newer) while an install runs */
    long stamp() {
        return meta >>> 1;
    }

    /**
     * @return a copy of the head, read consistently (see the class comment), with {@link #prev}
     *     as its older versions: for the paths that are not hot (stores, collections' retiring,
     *     tests), which may keep it. Waits while an install runs (a few stores).
     */
    Version head() {
        for (int spins = 0; ; ) {
            long m = meta;
            Object r = ref;
            long p = prim;
            long s = seq;
            Version older = prev;
            if (steady(m)) {
                return new Version(r, p, m >>> 1, s, older);
            }
            spins = Backoff.awaitInstall(spins);
        }
    }

    boolean tryLock(Txn t) {
        return owner == null && OwnerCas.cas(this, t);
    }

    /**
     * Releases the lock. A release store, not a volatile one: readers acquire {@link #owner}
     * before {@link #head}, so one that sees the cell unlocked sees what was installed under the
     * lock; nothing here needs the store-load fence of a volatile store (see
     * {@link Blocking#hasWaiters()} for the one place that would).
     */
    void unlock() {
        OwnerCas.OWNER.setRelease((CellHead) this, (Txn) null);
    }

    /**
     * Publishes a new head at {@code stamp}; the caller holds the lock. The head moves into the
     * history only while {@link #keep()} asks for one; the history is trimmed on every
     * {@code keep}-th install only, back to {@code keep} versions, so a cell keeps between
     * {@code keep} and {@code 2 * keep} of them and an install walks one older version on average
     * (each a likely cache miss). With no history kept, an install allocates nothing.
     */
    void install(Object newRef, long newPrim, long stamp) {
        // The head's fields, read under the lock: only the lock holder writes them.
        Object oldRef = ref;
        long oldPrim = prim;
        long oldSeq = seq;
        if (about instanceof FieldMeta) {
            // Under the lock, and before the head's release store: a thread that sees the new head
            // sees the declared field hold it too.
            ((FieldMeta) about).publish(home, oldRef, oldPrim, newRef, newPrim);
        }
        long s = oldSeq + 1;
        int k = keep();
        if (k != 0 && (s & (SHRINK_EVERY - 1)) == 0) {
            k = shrink(k);
        }
        Version older = null;
        if (k != 0) {
            older = new Version(oldRef, oldPrim, stamp(), oldSeq, prev);
            if ((s & (k - 1)) == 0) {
                Version p = older;
                for (int i = 1; i < k && p != null; i++) {
                    p = p.prev;
                }
                if (p != null) {
                    p.prev = null;
                }
            }
        }
        OwnerCas.META.setOpaque((CellHead) this, (stamp << 1) | INSTALLING);
        java.lang.invoke.VarHandle.storeStoreFence(); // INSTALLING before any field below
        ref = newRef;
        prim = newPrim;
        seq = s;
        if (older != prev) {
            prev = older; // not rewritten when it stays null: the line is contended
        }
        OwnerCas.META.setRelease((CellHead) this, stamp << 1);
    }

    /**
     * @param older the newest older version (a head's {@link #prev}), or null
     * @return the newest of {@code older} and the versions before it committed at or before
     *     {@code rv}, or null if the history kept no longer reaches back that far
     */
    static Version before(Version older, long rv) {
        for (Version v = older; v != null; v = v.prev) {
            if (v.stamp <= rv) {
                return v;
            }
        }
        return null;
    }

    /** Halves the history if no reader used it since the last check; under the lock. */
    private int shrink(int k) {
        if ((history & USED) != 0) {
            history = k;
            return k;
        }
        int less = k >>> 1;
        history = less;
        return less;
    }

    /**
     * A snapshot reader found the history too short for its snapshot: keep more from the next
     * install on (the reader starts again from a newer snapshot meanwhile): at least twice as
     * many as now, and at least twice as many as the history it found, which was not enough.
     *
     * @return how many older versions the cell keeps now
     */
    int wantHistory() {
        int found = 0;
        for (Version v = prev; v != null && found < MAX_KEEP; v = v.prev) {
            found++;
        }
        int k = Math.min(MAX_KEEP, Math.max(Math.max(1, keep() << 1), Integer.highestOneBit(found) << 2));
        history = k | USED;
        return k;
    }

    /**
     * A snapshot reader that found another cell's history too short reads this one: keep at
     * least {@code k} older versions (a power of two) from the next install on. Writes the cell
     * only when it kept fewer.
     */
    void keepAtLeast(int k) {
        if (keep() < k) {
            history = k | USED;
        }
    }

    /** A snapshot reader read an older version than the head: the history is in use. */
    void usedHistory() {
        int h = history;
        if ((h & USED) == 0) {
            history = h | USED;
        }
    }

    @Override
    public String toString() {
        return String.valueOf(name());
    }

    /** Holder so the VarHandle lookup stays out of the hot class's initialiser. */
    static final class OwnerCas {
        static final java.lang.invoke.VarHandle OWNER;
        static final java.lang.invoke.VarHandle META;

        static {
            try {
                java.lang.invoke.MethodHandles.Lookup l = java.lang.invoke.MethodHandles.lookup();
                OWNER = l.findVarHandle(CellHead.class, "owner", Txn.class);
                META = l.findVarHandle(CellHead.class, "meta", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private OwnerCas() {
        }

        static boolean cas(Cell c, Txn t) {
            return OWNER.compareAndSet((CellHead) c, (Txn) null, t);
        }
    }
}
