package io.stm4j.internal;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The versioned cell behind one store key or one {@code @Shared} field: a short history of
 * committed versions and a lock word naming the committing transaction that owns it.
 *
 * <p>Protocol ({@link Commit}): a committer try-locks its cells ({@link #owner} from null to
 * itself), takes a clock tick, validates, installs new heads and unlocks. Readers read {@link #owner} before
 * {@link #head}; a cell locked by a committer whose stamp may fall inside the reader's snapshot
 * is waited for (the committer does not wait while holding locks, so the wait is short; the one
 * exception, the privileged transaction's validation, is in {@link ContentionManager}).
 *
 * <p><b>History on demand.</b> A cell keeps older versions only while snapshot readers need
 * them: {@link #keep} starts at 0 (the head alone, no history), a snapshot read that finds the
 * history too short for it ({@link #wantHistory}) doubles it (up to {@link #MAX_KEEP}), and it
 * halves again after {@link #SHRINK_EVERY} installs in which no reader used an older version
 * ({@link #historyUsed}). Read-write transactions never need history (they extend their snapshot
 * instead), and neither does a read outside a transaction (it reads the head). So a cell that no
 * read-only transaction or store snapshot reads holds one version, however often it is written;
 * this is Clojure's ref history (grown on a reader's fault), made to shrink too.
 *
 * <p>Not API: public only so that agent-generated code can hold cells in its fields.
 */
public final class Cell {
    /**
     * The most older versions a cell keeps for snapshot readers (a power of two; a cell keeps at
     * most twice as many between trims).
     */
    static final int MAX_KEEP = Integer.highestOneBit(Math.max(1, Math.min(1 << 20, Integer.getInteger("stm4j.maxHistory", 64))));
    /** After how many installs (a power of two) unused history halves. */
    static final int SHRINK_EVERY = 1024;

    volatile Txn owner;
    volatile Version head;
    /**
     * The ticket of the last privileged transaction that read or wrote this cell (0 if none ever
     * did): a commit that locks a cell marked by the current tenure waits for it before it
     * publishes ({@link ContentionManager}). Old tickets are harmless: they match no tenure.
     */
    volatile long mark;
    /**
     * How many older versions installs keep: 0 or a power of two up to {@link #MAX_KEEP}. Written
     * racily by readers ({@link #wantHistory}) and by committers under the lock (shrinking); a
     * lost update costs one reader one more attempt, never a wrong value.
     */
    int keep;
    /** Whether a reader used an older version since the last shrink check (racy, as {@link #keep}). */
    boolean historyUsed;
    /** Random, for the write set's bloom filter and hash index. */
    final int hash;
    /** The key, or the field's name, for messages and statistics. */
    final Object name;
    /**
     * The object whose field this cell backs (null for keys and static fields). A shallow copy of
     * the object ({@code clone()}, a Mockito spy) copies the reference to the cell too; comparing
     * {@code home} tells the copy to take a cell of its own.
     */
    final Object home;

    /**
     * The {@code @Shared} field this cell backs, whose declared field every install writes too, so
     * that reflective readers (serialization, JSON mappers, debuggers) see committed state; null
     * for store keys.
     */
    final FieldMeta field;

    /** The statistics of the store this cell belongs to (the default store for fields). */
    final StatsRecorder stats;

    /** A cell of no store and no object (the engine's own tests). */
    Cell(Object name, Object ref, long prim) {
        this(name, null, null, ref, prim, StatsRecorder.DETACHED);
    }

    Cell(Object name, FieldMeta field, Object home, Object ref, long prim, StatsRecorder stats) {
        this(name, field, home, ref, prim, 0L, stats);
    }

    /**
     * @param since the clock value from which the initial value holds: 0 (always) for fields and
     *     store keys; a collection's cell that replaces a retired one holds its initial value only
     *     from when the retired one did ({@link CellAccess})
     */
    Cell(Object name, FieldMeta field, Object home, Object ref, long prim, long since, StatsRecorder stats) {
        this.name = name;
        this.field = field;
        this.home = home;
        this.stats = stats;
        this.hash = ThreadLocalRandom.current().nextInt() | 1;
        this.head = new Version(ref, prim, since, 0L, null);
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
        OwnerCas.OWNER.setRelease(this, (Txn) null);
    }

    /**
     * Publishes a new head at {@code stamp}; the caller holds the lock. Older versions stay
     * reachable only as far as {@link #keep} says; the history is trimmed on every
     * {@code keep}-th install only, back to {@code keep} versions, so a cell keeps between
     * {@code keep} and {@code 2 * keep} of them and an install walks one older version on average
     * (each a likely cache miss).
     */
    void install(Object ref, long prim, long stamp) {
        Version old = head;
        if (field != null) {
            // Under the lock, and before the head's release store: a thread that sees the new head
            // sees the declared field hold it too.
            field.publish(home, old, ref, prim);
        }
        long seq = old.seq + 1;
        int k = keep;
        if (k != 0 && (seq & (SHRINK_EVERY - 1)) == 0) {
            k = shrink(k);
        }
        Version v = new Version(ref, prim, stamp, seq, k == 0 ? null : old);
        if (k != 0 && (seq & (k - 1)) == 0) {
            Version p = v;
            for (int i = 0; i < k && p != null; i++) {
                p = p.prev;
            }
            if (p != null) {
                p.prev = null;
            }
        }
        // Published to readers by the unlock that follows (or seen early, racily: safe, because a
        // Version is immutable but for trimming, which readers tolerate).
        OwnerCas.HEAD.setRelease(this, v);
    }

    /**
     * @return the newest version older than {@code h} committed at or before {@code rv}, or null
     *     if the history kept no longer reaches back that far
     */
    static Version before(Version h, long rv) {
        for (Version v = h.prev; v != null; v = v.prev) {
            if (v.stamp <= rv) {
                return v;
            }
        }
        return null;
    }

    /** Halves the history if no reader used it since the last check; under the lock. */
    private int shrink(int k) {
        if (historyUsed) {
            historyUsed = false;
            return k;
        }
        int less = k >>> 1;
        keep = less;
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
        for (Version v = head.prev; v != null && found < MAX_KEEP; v = v.prev) {
            found++;
        }
        int k = Math.min(MAX_KEEP, Math.max(Math.max(1, keep << 1), Integer.highestOneBit(found) << 2));
        keep = k;
        historyUsed = true;
        return k;
    }

    /**
     * A snapshot reader that found another cell's history too short reads this one: keep at
     * least {@code k} older versions (a power of two) from the next install on. Writes the cell
     * only when it kept fewer.
     */
    void keepAtLeast(int k) {
        if (keep < k) {
            keep = k;
            historyUsed = true;
        }
    }

    /** A snapshot reader read an older version than the head: the history is in use. */
    void usedHistory() {
        if (!historyUsed) {
            historyUsed = true;
        }
    }

    @Override
    public String toString() {
        return String.valueOf(name);
    }

    /** Holder so the VarHandle lookup stays out of the hot class's initialiser. */
    static final class OwnerCas {
        static final java.lang.invoke.VarHandle OWNER;
        static final java.lang.invoke.VarHandle HEAD;

        static {
            try {
                java.lang.invoke.MethodHandles.Lookup l = java.lang.invoke.MethodHandles.lookup();
                OWNER = l.findVarHandle(Cell.class, "owner", Txn.class);
                HEAD = l.findVarHandle(Cell.class, "head", Version.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private OwnerCas() {
        }

        static boolean cas(Cell c, Txn t) {
            return OWNER.compareAndSet(c, (Txn) null, t);
        }
    }
}
