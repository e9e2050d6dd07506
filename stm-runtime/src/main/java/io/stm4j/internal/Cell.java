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
 * <p>Not API: public only so that agent-generated code can hold cells in its fields.
 */
public final class Cell {
    /** How many committed versions a cell keeps at least (at most twice as many) for read-only snapshots. */
    static final int HISTORY = Math.max(1, Integer.getInteger("stm4j.history", 4));

    volatile Txn owner;
    volatile Version head;
    /**
     * The ticket of the last privileged transaction that read or wrote this cell (0 if none ever
     * did): a commit that locks a cell marked by the current tenure waits for it before it
     * publishes ({@link ContentionManager}). Old tickets are harmless: they match no tenure.
     */
    volatile long mark;
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
     * Publishes a new head at {@code stamp}; the caller holds the lock. The history is trimmed
     * on every {@link #HISTORY}th install only, back to {@code HISTORY} versions, so a cell keeps
     * between {@code HISTORY} and {@code 2 * HISTORY} of them and an install walks one older
     * version on average instead of {@code HISTORY - 1} (each a likely cache miss).
     */
    void install(Object ref, long prim, long stamp) {
        Version old = head;
        if (field != null) {
            // Under the lock, and before the head's release store: a thread that sees the new head
            // sees the declared field hold it too.
            field.publish(home, old, ref, prim);
        }
        long seq = old.seq + 1;
        Version v = new Version(ref, prim, stamp, seq, old);
        if (seq % HISTORY == 0) {
            Version p = v;
            for (int i = 1; i < HISTORY && p != null; i++) {
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
