package io.stm4j.internal;

import io.stm4j.CommitOutcomeUnknown;
import io.stm4j.StmException;
import io.stm4j.StoreStats.Abort;

/**
 * A thread's transaction: which one is current, its lifecycle, and the read and write barriers.
 * One instance per thread, reused by every transaction of that thread, so the steady state
 * allocates nothing. Its state is layered ({@link ReadSet} → {@link WriteSet} → {@link Scopes}
 * → this), with collaborators for the cold concerns: {@link Commit} (the commit protocol),
 * {@link NonTxn} (operations outside a transaction), {@link Hooks}, {@link RetryPolicy} and
 * {@link AbortLog} (statistics and the long-retry warning).
 *
 * <p>Reads see the snapshot {@link #rv} (a global clock value) plus the transaction's own
 * writes. Read-write transactions record their reads and extend the snapshot when they meet a
 * newer version and their reads are still valid (LSA); read-only transactions record nothing and
 * read old versions from a cell's history instead, so they neither lock, nor write shared memory,
 * nor abort because of writers. A transaction that keeps losing takes priority and makes its
 * reads visible ({@link ContentionManager}).
 */
final class Txn extends Scopes {
    private static final ThreadLocal<Txn> CURRENT = ThreadLocal.withInitial(Txn::new);
    /**
     * A faster way to the current thread's transaction than {@link #CURRENT}: a slot per thread id,
     * checked against the thread that owns the transaction, and refilled from the thread local on
     * a miss (a collision of ids only costs the slow path). Every field access needs this lookup.
     * Only the owning thread writes a transaction into a slot.
     */
    private static final int SLOTS = 1 << 12;
    private static final Txn[] BY_THREAD = new Txn[SLOTS];
    /** How often a commit that finds a cell locked backs off and tries again before it aborts. */
    private static final int COMMIT_LOCK_TRIES = 32;

    /** The thread this transaction belongs to (the only one that runs it). */
    final Thread thread = Thread.currentThread();

    /**
     * Stamp of the commit in progress while this transaction holds cell locks; 0 until it has
     * ticked. A reader that finds a cell locked by this transaction reads it to decide whether
     * the commit can belong to its snapshot (0, or a stamp &le; the reader's: it waits). Written
     * with release stores: the reset to 0 comes before the locks (CAS), so a reader that sees a
     * lock sees 0 or the new stamp. (Were it not reset, a stale stamp would still be an older one
     * in a JVM, whose clock never goes back — but not under a model checker that rewinds the
     * clock between runs, as Lincheck does.)
     */
    volatile long wv;
    private static final java.lang.invoke.VarHandle WV;

    static {
        try {
            WV = java.lang.invoke.MethodHandles.lookup().findVarHandle(Txn.class, "wv", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    // --- the attempt
    private boolean readOnly;
    private int attempts;
    private boolean doomed;
    private boolean retryRequested;
    /** When the first {@code Stm.retryFor} of this transaction was called ({@link System#nanoTime()}), if it was. */
    private boolean retryForStarted;
    private long retryForStart;
    /** The earliest end of a {@code retryFor} wait asked for in this attempt; {@link Long#MAX_VALUE} if none. */
    private long retryForWake = Long.MAX_VALUE;

    // --- participants ({@link Participant}): joined on first use, kept across attempts, dropped at the end
    private static final Participant[] NO_PARTICIPANTS = new Participant[0];
    private Participant[] parts = NO_PARTICIPANTS;
    private Object[] partKeys = new Object[0];
    private int nParts;
    /** Why the last participant refused (or asked for) a re-run, when no cell did. */
    private Throwable externalCause;
    /** A participant joined an attempt that records no reads: start it again, recording them. */
    private boolean restartRecording;
    /** Set by a participant's watch while this transaction waits in {@code Stm.retry()}. */
    private volatile boolean externalChanged;

    final RetryPolicy policy = new RetryPolicy();
    final AbortLog log = new AbortLog(thread);
    /** For {@link NonTxn#write}: the one cell of a plain write, without allocating. */
    final Cell[] oneCell = new Cell[1];
    final Object[] oneRef = new Object[1];
    final long[] onePrim = new long[1];
    /** What {@link #snapshot} read: the version's value and key version (only this thread uses them). */
    private final Version.Scratch last = new Version.Scratch();

    @SuppressWarnings("deprecation") // Thread.getId(): threadId() needs Java 19
    static Txn current() {
        Thread th = Thread.currentThread();
        Txn t = BY_THREAD[(int) th.getId() & (SLOTS - 1)];
        return t != null && t.thread == th ? t : currentSlow();
    }

    private static Txn currentSlow() {
        Txn t = CURRENT.get();
        intoSlot(t);
        return t;
    }

    /** Puts {@code t} in its thread's slot, forgetting its time (see {@link #forgetTime}) unless it is running. */
    @SuppressWarnings("deprecation")
    private static void intoSlot(Txn t) {
        if (t.depth == 0) {
            t.forgetTime();
        }
        BY_THREAD[(int) t.thread.getId() & (SLOTS - 1)] = t;
    }

    /**
     * Forgets the time this transaction knew, which its next read-write attempt would start from
     * ({@link ReadSet#rv}): after this, that attempt's first read extends its snapshot to the clock.
     * Done whenever the thread's slot had lost this transaction (on a thread's first use, after a
     * collision of thread ids) or is given another (hooks run with a spare transaction). That
     * also covers a model checker (Lincheck) that rewinds the static state, the clock and the
     * slots alike, between runs but not the thread locals: a time kept from an earlier run could
     * be ahead of the rewound clock, and validating against it would let a conflicting commit
     * through (TxCounterLinearizabilityTest found that lost update).
     */
    private void forgetTime() {
        rv = 0L;
        WV.setRelease(this, 0L);
    }

    /** Makes {@code t} (a transaction of this thread) the current one. */
    static void setCurrent(Txn t) {
        CURRENT.set(t);
        intoSlot(t);
    }

    boolean active() {
        if (lostLevel <= depth) {
            repair();
        }
        return depth > 0;
    }

    boolean isReadOnly() {
        return readOnly || readOnlyScopes > 0;
    }

    /** Whether {@link #alert} must be set: a lost scope, a doomed attempt, a retry asked for, or history wanted. */
    @Override
    boolean alertNeeded() {
        return lostLevel != Integer.MAX_VALUE || doomed || retryRequested || historyWanted != 0;
    }

    // ------------------------------------------------------------------ lifecycle

    /**
     * Starts a transaction, or a nested scope of the active one. The new {@link #depth} is the
     * scope's level, which the caller passes to {@link #exit(int, Throwable)}. Nothing is called
     * after the depth is raised, so a stack overflow cannot leave a scope open that its caller
     * does not know about.
     */
    static Txn enter(int maxRetries, long timeoutMillis, boolean readOnly) {
        Txn t = current();
        if (t.lostLevel != Integer.MAX_VALUE) {
            t.settleLost();
        }
        if (t.depth > 0) {
            t.pushScope(readOnly);
        } else {
            t.beginOutermost(maxRetries, timeoutMillis, readOnly);
        }
        return t;
    }

    private void beginOutermost(int maxRetries, long timeoutMillis, boolean readOnly) {
        policy.begin(maxRetries, timeoutMillis);
        this.readOnly = readOnly;
        this.recordReads = !readOnly;
        this.historyWanted = 0;
        this.attempts = 0;
        this.retryForStarted = false;
        releasePriority(); // a transaction whose end was lost to a stack overflow kept it
        log.begin();
        this.lostLevel = Integer.MAX_VALUE;
        startAttempt();
        this.depth = 1;
    }

    private void startAttempt() {
        attempts++;
        nReads = 0;
        clearWrites();
        resetScopes();
        doomed = false;
        retryRequested = false;
        retryForWake = Long.MAX_VALUE;
        alert = alertNeeded() ? 1 : 0;
        hooks.clear();
        if (nParts > 0) {
            beginParticipants();
        }
        if (recordReads) {
            long w = wv;
            if (w > rv) {
                rv = w;
            }
        } else {
            rv = GlobalClock.now();
        }
    }

    /** Out of {@link #startAttempt}'s line, which every transaction runs: only transactions with participants get here. */
    private void beginParticipants() {
        externalCause = null;
        for (int i = 0; i < nParts; i++) {
            parts[i].beginAttempt();
        }
    }

    private void end() {
        releasePriority();
        depth = 0;
        if (nParts > 0) {
            endParticipants();
        }
        clearReads();
        clearWrites();
        clearUndo();
        log.end();
        hooks.clear();
    }

    private void releasePriority() {
        if (ticket != 0L) {
            ContentionManager.release(this);
            ticket = 0L;
        }
    }

    /**
     * Ends the body of the current scope.
     *
     * @param failure what the body threw, or null if it returned
     * @return true when the caller returns its result; false when it must run the body again
     *     (the next attempt has already begun). Throws {@code failure} when it must propagate.
     */
    boolean exit(int level, Throwable failure) {
        if ((depth != level || lostLevel <= depth) && !resync(level)) {
            // this scope is gone already (unwound after a lost end): nothing left to do
            if (failure != null) {
                throw sneaky(failure);
            }
            return true;
        }
        if (depth > 1) {
            return exitNested(failure);
        }
        if (failure == null && nWrites == 0 && !doomed && !retryRequested && ticket == 0L && !log.retried()
                && hooks.isEmpty() && nParts == 0 && reads.length <= MAX_RETAINED_READS) {
            // Wrote nothing: its reads were one consistent snapshot, there is nothing to publish.
            clearReads();
            depth = 0;
            return true;
        }
        try {
            if (failure == null && !doomed && !retryRequested) {
                return commit() || retryAfterConflict();
            }
            if (retryRequested || failure == ControlFlow.RETRY) {
                return blockThenRetry();
            }
            if (doomed || failure == ControlFlow.CONFLICT) {
                return retryAfterConflict();
            }
            log.recordEnd(ThreadStats.ABORTS + Abort.EXCEPTION.ordinal(), attributed(), attempts);
            Runnable[] rollback = hooks.takeRollback(0);
            end();
            hooks.run(rollback, failure, this);
            throw sneaky(failure);
        } catch (Throwable t) {
            if (depth > 0) {
                end();
            }
            throw sneaky(t);
        }
    }

    private boolean exitNested(Throwable failure) {
        if (failure == null || failure instanceof ControlFlow) {
            popScope();
            if (failure != null) {
                throw sneaky(failure);
            }
            return true;
        }
        undoScope(failure);
        throw sneaky(failure);
    }

    /** Commits the write set, retrying a busy lock a few times. @return whether it committed */
    private boolean commit() {
        boolean withParticipants = nParts > 0 && participantsMustCommit();
        for (int busy = 0; ; ) {
            int outcome = withParticipants ? commitWithParticipants()
                    : nWrites == 0 ? Commit.COMMITTED
                    : Commit.run(this, wCells, nWrites, wRefs, wPrims, null, null, true);
            if (outcome == Commit.COMMITTED) {
                log.recordEnd(ThreadStats.COMMITS, attributed(), attempts);
                Runnable[] onCommit = hooks.takeCommit();
                end();
                hooks.run(onCommit, null, this);
                return true;
            }
            if (outcome != Commit.BUSY || ++busy >= COMMIT_LOCK_TRIES || policy.isPastTimeout()) {
                return false;
            }
            if (!Backoff.pause(busy)) {
                throw interrupted("backing off before retrying a commit");
            }
        }
    }

    /** Rolls the attempt back (its writes were only buffered) and runs its rollback hooks. */
    private void rollbackAttempt() {
        clearWrites();
        clearUndo();
        hooks.run(hooks.takeRollback(0), null, this);
    }

    private boolean retryAfterConflict() {
        if (restartRecording) {
            // not a conflict: a participant joined an attempt that did not record its reads
            restartRecording = false;
            rollbackAttempt();
            attempts--;
            startAttempt();
            return false;
        }
        log.recordAbort(conflictWasBusy ? Abort.BUSY : Abort.CONFLICT, conflictCell, attempts);
        rollbackAttempt();
        if (policy.exhausted(attempts)) {
            StmException giveUp = policy.giveUp(attempts, conflictCause());
            log.recordEnd(ThreadStats.GIVEN_UP, attributed(), attempts);
            end();
            throw giveUp;
        }
        ticket = policy.prioritize(this, attempts, ticket);
        if (!RetryPolicy.pause(attempts, ticket != 0L)) {
            throw interrupted(ticket != 0L ? "re-running a transaction after a conflict"
                    : "backing off before re-running a transaction");
        }
        startAttempt();
        return false;
    }

    private boolean blockThenRetry() {
        rollbackAttempt();
        if (!recordReads) {
            // A read-only attempt kept no read set: re-run it once recording, then block on that.
            recordReads = true;
            attempts--;
            startAttempt();
            return false;
        }
        log.recordAbort(Abort.RETRY, firstRead(), attempts);
        long wake = retryForWake;
        if (nReads == 0 && wake == Long.MAX_VALUE && !participantsRead()) {
            end();
            throw new IllegalStateException("Stm.retry() called in a transaction that has read nothing:"
                    + " it would wait forever");
        }
        releasePriority();
        long deadline = policy.deadline();
        boolean wakeFirst = wake != Long.MAX_VALUE && (deadline == Long.MAX_VALUE || wake - deadline < 0);
        boolean changed;
        try {
            watchParticipants();
            try {
                changed = Blocking.awaitChange(this, wakeFirst ? wake : deadline);
            } finally {
                unwatchParticipants();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            end();
            throw new StmException("interrupted while blocked in Stm.retry()", e);
        }
        if (!changed && wakeFirst) {
            // A retryFor timed out with nothing changed: re-run, and this time it returns.
            attempts--;
            startAttempt();
            return false;
        }
        if (!changed) {
            StmException timedOut = policy.retryTimedOut(attempts, conflictCell == null ? null : conflictCause());
            log.recordEnd(ThreadStats.GIVEN_UP, attributed(), attempts);
            end();
            throw timedOut;
        }
        attempts--; // a blocking retry is not a conflict: it does not use up an attempt
        startAttempt();
        return false;
    }

    private StmException interrupted(String where) {
        end();
        return new StmException("interrupted while " + where, new InterruptedException());
    }

    /** The store a finished transaction counts in: its first write's, else its last conflict's. */
    private StatsRecorder attributed() {
        if (nWrites > 0) {
            return wCells[0].stats();
        }
        if (!log.retried()) {
            return null;
        }
        return conflictCell != null ? conflictCell.stats() : nReads > 0 ? reads[0].stats() : null;
    }

    private Throwable conflictCause() {
        if (conflictCell == null && externalCause != null) {
            return externalCause;
        }
        return RetryPolicy.cause(conflictCell, conflictWasBusy);
    }

    // ------------------------------------------------------------------ participants

    /** {@link Participant#join}: the participant under {@code key}, created on first use. */
    <P extends Participant> P participant(Object key, java.util.function.Supplier<P> create) {
        for (int i = 0; i < nParts; i++) {
            if (partKeys[i].equals(key)) {
                @SuppressWarnings("unchecked")
                P p = (P) parts[i];
                return p;
            }
        }
        checkDoomed();
        if (!recordReads) {
            // Its commit must validate the reads of memory too: run the attempt again, recording them.
            recordReads = true;
            restartRecording = true;
            doomed = true;
            alert = 1;
            throw ControlFlow.CONFLICT;
        }
        P p = create.get();
        if (nParts == parts.length) {
            parts = java.util.Arrays.copyOf(parts, nParts + 2);
            partKeys = java.util.Arrays.copyOf(partKeys, nParts + 2);
        }
        parts[nParts] = p;
        partKeys[nParts] = key;
        nParts++;
        return p;
    }

    Participant[] participants() {
        return java.util.Arrays.copyOf(parts, nParts);
    }

    /** {@link Participant#conflict}: the attempt is doomed, for {@code cause}. */
    ControlFlow externalConflict(Throwable cause) {
        ControlFlow signal = conflict(null, false);
        externalCause = cause;
        return signal;
    }

    private boolean participantsMustCommit() {
        boolean memory = nWrites > 0 || nReads > 0;
        int committing = 0;
        for (int i = 0; i < nParts; i++) {
            if (parts[i].mustCommit(memory)) {
                committing++;
            }
        }
        if (committing > 1) {
            throw new IllegalStateException("a transaction can commit to one external store only; it used "
                    + java.util.Arrays.toString(participants()));
        }
        return committing == 1;
    }

    /**
     * The commit with participants; when a participant throws, the transaction ends here: with its
     * rollback hooks run for a refusal before anything was sent, with none for an unknown outcome.
     */
    private int commitWithParticipants() {
        try {
            return commitWithParticipantsLocked();
        } catch (CommitOutcomeUnknown unknown) {
            // neither committed nor rolled back: no hooks run
            log.recordEnd(ThreadStats.ABORTS + Abort.EXCEPTION.ordinal(), attributed(), attempts);
            end();
            throw unknown;
        } catch (RuntimeException | Error e) {
            // refused before anything was sent (too many keys, ...): rolled back, as by an exception of the body
            log.recordEnd(ThreadStats.ABORTS + Abort.EXCEPTION.ordinal(), attributed(), attempts);
            Runnable[] rollback = hooks.takeRollback(0);
            end();
            hooks.run(rollback, e, this);
            throw e;
        }
    }

    /**
     * The two-phase commit ({@link Participant}): every cell read or written locked and the reads
     * validated, then the participant decides, then the writes are published.
     */
    private int commitWithParticipantsLocked() {
        int n = nWrites;
        java.util.IdentityHashMap<Cell, Boolean> seen = new java.util.IdentityHashMap<>();
        for (int i = 0; i < n; i++) {
            seen.put(wCells[i], Boolean.TRUE);
        }
        int total = n;
        Cell[] cells = java.util.Arrays.copyOf(wCells, n + nReads);
        for (int i = 0; i < nReads; i++) {
            if (seen.put(reads[i], Boolean.TRUE) == null) {
                cells[total++] = reads[i];
            }
        }
        if (total == 0) {
            return commitParticipants() ? Commit.COMMITTED : Commit.CONFLICT;
        }
        boolean[] write = new boolean[total];
        java.util.Arrays.fill(write, 0, n, true);
        Object[] refs = java.util.Arrays.copyOf(wRefs, total);
        long[] prims = java.util.Arrays.copyOf(wPrims, total);
        return Commit.run(this, cells, total, refs, prims, null, write, true, this::commitParticipants);
    }

    private boolean commitParticipants() {
        boolean memory = nWrites > 0 || nReads > 0;
        for (int i = 0; i < nParts; i++) {
            Participant p = parts[i];
            if (p.mustCommit(memory) && !p.commit(memory)) {
                conflictCell = null;
                externalCause = p.conflictCause();
                return false;
            }
        }
        return true;
    }

    private boolean participantsRead() {
        for (int i = 0; i < nParts; i++) {
            if (parts[i].hasReads()) {
                return true;
            }
        }
        return false;
    }

    private void watchParticipants() {
        externalChanged = false;
        for (int i = 0; i < nParts; i++) {
            if (parts[i].hasReads()) {
                parts[i].watch(this::participantChanged);
            }
        }
    }

    private void participantChanged() {
        externalChanged = true;
        Blocking.wake();
    }

    private void unwatchParticipants() {
        for (int i = 0; i < nParts; i++) {
            parts[i].unwatch();
        }
    }

    /** For {@link Blocking}: whether a cell or a participant's read changed since the snapshot. */
    boolean changedSinceSnapshot() {
        return externalChanged || readSetChanged();
    }

    private void endParticipants() {
        Participant[] ps = parts;
        int n = nParts;
        parts = NO_PARTICIPANTS;
        partKeys = new Object[0];
        nParts = 0;
        for (int i = 0; i < n; i++) {
            ps[i].ended();
        }
    }

    // ------------------------------------------------------------------ reads

    Object readRef(Cell c) {
        if (nWrites > 0) {
            int i = findWrite(c);
            if (i >= 0) {
                return wRefs[i];
            }
        }
        if (alert == 0 && ticket == 0L) {
            // the common case, small enough to inline: the head, unlocked, within the snapshot
            Txn o = c.owner;
            long m = c.meta;
            Object r = c.ref;
            if (headInSnapshot(c, o, m)) {
                record(c);
                return r;
            }
        }
        snapshot(c);
        record(c);
        return takeRef();
    }

    long readPrim(Cell c) {
        if (nWrites > 0) {
            int i = findWrite(c);
            if (i >= 0) {
                return wPrims[i];
            }
        }
        if (alert == 0 && ticket == 0L) {
            // as in readRef
            Txn o = c.owner;
            long m = c.meta;
            long p = c.prim;
            if (headInSnapshot(c, o, m)) {
                record(c);
                return p;
            }
        }
        snapshot(c);
        record(c);
        return last.prim;
    }

    /**
     * The fast read's check, after it loaded {@code c}'s owner, then its {@code meta}, then a
     * head field: whether that field is the head's value at {@code meta}'s stamp (no install ran
     * or runs meanwhile: the seqlock of {@link Cell}) and belongs to the snapshot, with no commit
     * holding the cell. Otherwise the caller takes {@link #snapshot}, which knows every case.
     */
    private boolean headInSnapshot(Cell c, Txn owner, long m) {
        return owner == null && m >>> 1 <= rv && c.steady(m);
    }

    /**
     * Reads {@code c} in the snapshot without recording the read, for a check whose outcome no
     * later commit can make false (a bounded queue's free room, which consumers only grow): the
     * commit need not validate it, so it does not conflict with those commits.
     */
    Object readRefUnrecorded(Cell c) {
        if (nWrites > 0) {
            int i = findWrite(c);
            if (i >= 0) {
                return wRefs[i];
            }
        }
        snapshot(c);
        return takeRef();
    }

    /** As {@link #readRefUnrecorded}, for a cell that holds a {@code long}. */
    long readPrimUnrecorded(Cell c) {
        if (nWrites > 0) {
            int i = findWrite(c);
            if (i >= 0) {
                return wPrims[i];
            }
        }
        snapshot(c);
        return last.prim;
    }

    /** @return the snapshot: reads see the versions committed at or before this clock value */
    long snapshotStamp() {
        return rv;
    }

    /** @return whether reads are recorded (read-write attempts), so that the commit validates them */
    boolean recordsReads() {
        return recordReads;
    }

    /** The key's version as this transaction sees it: the snapshot's, plus one if written here. */
    long viewSeq(Cell c) {
        snapshot(c);
        record(c);
        last.ref = null;
        return findWrite(c) >= 0 ? last.seq + 1 : last.seq;
    }

    /**
     * Reads {@code c} as {@link #readRef} does, with the key version as this transaction sees it
     * ({@link #viewSeq}) from the same read, for a store's value.
     *
     * @param seq where the key version goes (its first element)
     */
    Object readRefWithSeq(Cell c, long[] seq) {
        snapshot(c);
        record(c);
        Object r = takeRef();
        int i = nWrites > 0 ? findWrite(c) : -1;
        if (i >= 0) {
            seq[0] = last.seq + 1;
            return wRefs[i];
        }
        seq[0] = last.seq;
        return r;
    }

    boolean hasWritten(Cell c) {
        return nWrites > 0 && findWrite(c) >= 0;
    }

    /** {@code last.ref}, cleared so that this thread's transaction does not keep the value alive. */
    private Object takeRef() {
        Object r = last.ref;
        last.ref = null;
        return r;
    }

    /**
     * Reads the latest version of {@code c} inside this transaction's snapshot into {@code last.ref},
     * {@code last.prim} and {@code last.seq}: the cell's head, read as its seqlock says ({@link Cell}),
     * or for a read-only attempt an older version from its history.
     */
    private void snapshot(Cell c) {
        if (alert != 0) {
            alertedRead(c);
        }
        if (ticket != 0L) {
            ContentionManager.mark(c, ticket); // before the loads below: see ContentionManager
        }
        int spins = 0;
        while (true) {
            Txn o = c.owner;
            if (o != null && o != this) {
                long w = o.wv;
                if (w == 0L || w <= rv || ticket != 0L) {
                    // The owner is publishing a commit that may belong to our snapshot: wait for it.
                    // A privileged attempt waits for any commit it meets: that one will publish
                    // (it found no mark), and the older head would be stale at once.
                    spins = Backoff.await(spins);
                    continue;
                }
            }
            long m = c.meta;
            Object r = c.ref;
            long p = c.prim;
            long s = c.seq;
            if (!c.steady(m)) {
                // an install is rewriting the head (it holds the lock and waits for nothing)
                spins = Backoff.awaitInstall(spins);
                continue;
            }
            if (m >>> 1 <= rv) {
                last.set(r, p, s);
                return;
            }
            if (recordReads) {
                if (extend()) {
                    continue;
                }
                throw conflict(c, false);
            }
            older(c);
            return;
        }
    }

    /**
     * A read-only attempt's read of a cell written after its snapshot: the version of the
     * snapshot from the cell's history. Out of {@link #snapshot}'s line, which every read runs.
     */
    private void older(Cell c) {
        // Whichever head's older versions this loads, the one read above (newer than the snapshot)
        // or a later one, they reach back past it in order: the first at or before rv is ours.
        Version v = Cell.before(c.prev, rv);
        if (v != null) {
            c.usedHistory();
            last.set(v.ref, v.prim, v.seq);
            return;
        }
        // History trimmed past our snapshot: start again from a newer one, and have the cell
        // keep more for the next snapshot reader; so must every cell this transaction reads
        // from now on (the next attempt's reads), or each attempt would fail on another cell.
        historyWanted = Math.max(historyWanted, c.wantHistory());
        throw conflict(c, false);
    }

    /** Moves the snapshot to now if every read so far is still current (LSA extension). */
    private boolean extend() {
        long now = GlobalClock.now();
        if (!readsValid()) {
            return false;
        }
        rv = now;
        return true;
    }

    /**
     * A read while {@link #alert} is set: a read-only transaction that wants history has the cell
     * keep some (see {@link #historyWanted}), then the attempt's flags are checked as for any access.
     * Out of {@link #snapshot}'s line, so that wanting history costs reads nothing more than the
     * one load of {@code alert} they make anyway.
     */
    private void alertedRead(Cell c) {
        if (historyWanted != 0) {
            c.keepAtLeast(historyWanted);
        }
        checkAlert();
    }

    private void checkDoomed() {
        if (alert != 0) {
            checkAlert();
        }
    }

    private void checkAlert() {
        if (lostLevel != Integer.MAX_VALUE) {
            settleLost();
        }
        if (doomed) {
            throw ControlFlow.CONFLICT;
        }
        if (retryRequested) {
            throw ControlFlow.RETRY;
        }
    }

    ControlFlow conflict(Cell c, boolean busy) {
        conflictCell = c;
        conflictWasBusy = busy;
        doomed = true;
        alert = 1;
        return ControlFlow.CONFLICT;
    }

    ControlFlow requestRetry() {
        checkDoomed();
        retryRequested = true;
        alert = 1;
        return ControlFlow.RETRY;
    }

    /**
     * {@code Stm.retryFor}: returns if {@code timeoutNanos} have passed since the first call of
     * this transaction; otherwise asks to retry, waking by then at the latest.
     *
     * @param timeoutNanos not negative; {@link Long#MAX_VALUE} for a timeout too long to count
     */
    void retryFor(long timeoutNanos) {
        checkDoomed();
        long now = System.nanoTime();
        if (!retryForStarted) {
            retryForStarted = true;
            retryForStart = now;
        }
        long waited = now - retryForStart;
        if (waited >= timeoutNanos) {
            return;
        }
        if (timeoutNanos <= Long.MAX_VALUE / 2) {
            long end = retryForStart + timeoutNanos;
            if (retryForWake == Long.MAX_VALUE || end - retryForWake < 0) {
                retryForWake = end;
            }
        }
        throw requestRetry();
    }

    /**
     * {@code Stm.orElse}: the alternative whose scope is at {@code level} asked to retry. Undoes
     * that scope's writes and hooks (as an exception would) and clears the request, keeping what
     * it read: if the other alternative retries too, the transaction waits for a change to either.
     *
     * @return false if the retry cannot be taken back here (the scope is gone, or the attempt is
     *     doomed): the caller then ends the scope with the signal, as for any other
     */
    boolean abandonAlternative(int level) {
        if (!retryRequested || doomed || depth != level || lostLevel <= depth || depth < 2) {
            return false;
        }
        retryRequested = false;
        alert = alertNeeded() ? 1 : 0;
        undoScope(null);
        return true;
    }

    // ------------------------------------------------------------------ writes

    void writeRef(Cell c, Object v) {
        write(c, v, 0L);
    }

    void writePrim(Cell c, long bits) {
        write(c, null, bits);
    }

    private void write(Cell c, Object ref, long prim) {
        checkDoomed();
        if (isReadOnly()) {
            throw new IllegalStateException("write to '" + c.name() + "' inside a read-only transaction");
        }
        int i = nWrites > 0 ? findWrite(c) : -1;
        if (i >= 0) {
            overwrite(i, ref, prim);
            return;
        }
        if (ticket != 0L) {
            ContentionManager.mark(c, ticket);
        }
        appendWrite(c, ref, prim, scope);
    }

    // ------------------------------------------------------------------ for Commit, NonTxn, the facade

    /** Before locking: no stamp is taken yet (step 1 of {@link Commit}). */
    void noStamp() {
        WV.setRelease(this, 0L);
    }

    /** With the locks held: this commit's stamp, published to readers that find its locks. */
    long stamp() {
        long w = GlobalClock.tick();
        WV.setRelease(this, w);
        return w;
    }

    void addCommitHook(Runnable r) {
        hooks.addCommit(r);
    }

    void addRollbackHook(Runnable r) {
        hooks.addRollback(r);
    }

    @SuppressWarnings("unchecked")
    static <E extends Throwable> RuntimeException sneaky(Throwable t) throws E {
        throw (E) t;
    }
}
