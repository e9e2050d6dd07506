package io.stm4j.internal;

import io.stm4j.BusyRetry;
import io.stm4j.ConcurrentUpdate;
import io.stm4j.MaxRetriesExceeded;
import io.stm4j.RetryTimeoutExceeded;
import io.stm4j.StmException;
import io.stm4j.StoreStats.Abort;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A thread's transaction: snapshot, read set, write set, nesting scopes and hooks. One instance per
 * thread, reused by every transaction of that thread, so the steady state allocates nothing.
 *
 * <p>Reads see the snapshot {@link #rv} (a global clock value) plus the transaction's own
 * writes. Read-write transactions record their reads and extend the snapshot when they meet a
 * newer version and their reads are still valid (LSA); read-only transactions record nothing and
 * read old versions from a cell's history instead, so they neither lock, nor write shared memory,
 * nor abort because of writers. Commit: try-lock the written cells, tick the clock, validate the
 * read set, install, unlock.
 */
final class Txn extends TxnState {
    private static final ThreadLocal<Txn> CURRENT = ThreadLocal.withInitial(Txn::new);
    /**
     * A faster way to the current thread's transaction than {@link #CURRENT}: a slot per thread id,
     * checked against the thread that owns the transaction, and refilled from the thread local on
     * a miss (a collision of ids only costs the slow path). Every field access needs this lookup.
     * Only the owning thread writes a transaction into a slot.
     */
    private static final int SLOTS = 1 << 12;
    private static final Txn[] BY_THREAD = new Txn[SLOTS];

    /** The thread this transaction belongs to (the only one that runs it). */
    final Thread thread = Thread.currentThread();
    private static final int LINEAR_MAX = 8;
    private static final int COMMIT_LOCK_TRIES = 32;
    private static final int MAX_RETAINED_READS = 4096;

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

    // --- attempt state (depth: see TxnState)
    private boolean readOnly;
    private boolean recordReads;
    private long rv;
    private boolean doomed;
    private boolean retryRequested;
    private Cell conflictCell;
    private boolean conflictWasBusy;

    // --- policy of the outermost scope
    private int maxRetries;
    private long timeoutNanos;
    private long startNanos;
    private int attempts;
    private boolean privileged;
    /** While privileged: when the current attempt started, and the longest privileged attempt. */
    private long privilegedSince;
    private long longestPrivileged;

    // --- read set
    private Cell[] reads = new Cell[32];
    private int nReads;

    // --- write set: parallel arrays, bloom filter, and an open-addressing index beyond LINEAR_MAX
    private Cell[] wCells = new Cell[8];
    private Object[] wRefs = new Object[8];
    private long[] wPrims = new long[8];
    private int[] wScope = new int[8];
    private int nWrites;
    private long bloom;
    private int[] index = new int[32];
    private boolean indexed;

    // --- nesting: scope ids and marks; undo log of entries overwritten by an inner scope
    private int scope;
    private int nextScope;
    private int[] scopeStack = new int[8];
    private int[] markWrites = new int[8];
    private int[] markUndo = new int[8];
    private int[] markCommitHooks = new int[8];
    private int[] markRollbackHooks = new int[8];
    private int[] markReadOnly = new int[8];
    private int readOnlyScopes;
    private int[] uIndex = new int[8];
    private Object[] uRefs = new Object[8];
    private long[] uPrims = new long[8];
    private int[] uScopes = new int[8];
    private int nUndo;
    /** Whether the undo log has held entries since {@link #end} last cleared it. */
    private boolean undoUsed;

    // --- statistics: this thread's counters per store
    private final ThreadStats.Lookup statsByStore = new ThreadStats.Lookup(thread);
    /** {@code System.nanoTime()} at the outermost transaction's first abort; 0 before. */
    private long retryStartNanos;
    /** Per transaction: the names its conflicts were on, and how many each (a few distinct). */
    private final Object[] hotNames = new Object[4];
    private final int[] hotCounts = new int[4];
    private int nHot;
    private boolean warned;
    /** Aborted attempts after which a transaction logs a warning (0: never). */
    static final int WARN_AFTER = Integer.getInteger("stm4j.warnAfterRetries", 100);

    // --- hooks
    private final List<Runnable> commitHooks = new ArrayList<>();
    private final List<Runnable> rollbackHooks = new ArrayList<>();
    /** Runs hooks, which may start transactions of their own, while this one is finishing. */
    private Txn spare;

    @SuppressWarnings("deprecation") // Thread.getId(): threadId() needs Java 19
    static Txn current() {
        Thread th = Thread.currentThread();
        Txn t = BY_THREAD[(int) th.getId() & (SLOTS - 1)];
        return t != null && t.thread == th ? t : currentSlow(th);
    }

    @SuppressWarnings("deprecation")
    private static Txn currentSlow(Thread th) {
        Txn t = CURRENT.get();
        BY_THREAD[(int) th.getId() & (SLOTS - 1)] = t;
        return t;
    }

    /** Makes {@code t} (a transaction of this thread) the current one. */
    @SuppressWarnings("deprecation")
    private static void setCurrent(Txn t) {
        CURRENT.set(t);
        BY_THREAD[(int) t.thread.getId() & (SLOTS - 1)] = t;
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
        if (maxRetries < -1) {
            throw new IllegalArgumentException("maxRetries must be -1 (unlimited) or >= 0, was " + maxRetries);
        }
        if (timeoutMillis < -1) {
            throw new IllegalArgumentException("timeoutMillis must be -1 (none) or >= 0, was " + timeoutMillis);
        }
        this.maxRetries = maxRetries;
        this.timeoutNanos = timeoutMillis < 0 ? -1L : timeoutMillis * 1_000_000L;
        this.startNanos = timeoutMillis < 0 ? 0L : System.nanoTime();
        this.readOnly = readOnly;
        this.recordReads = !readOnly;
        this.attempts = 0;
        if (privileged) {
            // a transaction whose end was lost to a stack overflow kept its priority
            ContentionManager.release(this);
        }
        this.privileged = false;
        this.longestPrivileged = 0L;
        this.retryStartNanos = 0L;
        this.nHot = 0;
        this.warned = false;
        this.lostLevel = Integer.MAX_VALUE;
        startAttempt();
        this.depth = 1;
    }

    private void startAttempt() {
        attempts++;
        nReads = 0;
        clearWrites();
        nUndo = 0;
        scope = 0;
        nextScope = 0;
        readOnlyScopes = 0;
        doomed = false;
        retryRequested = false;
        alert = lostLevel != Integer.MAX_VALUE ? 1 : 0;
        clearHooks();
        rv = GlobalClock.now();
    }

    private void clearWrites() {
        if (nWrites > 0) {
            Arrays.fill(wRefs, 0, nWrites, null);
            Arrays.fill(wCells, 0, nWrites, null);
            nWrites = 0;
        }
        if (indexed) {
            Arrays.fill(index, 0);
            indexed = false;
        }
        bloom = 0L;
    }

    private void end() {
        if (privileged) {
            ContentionManager.release(this);
            privileged = false;
        }
        depth = 0;
        if (reads.length > MAX_RETAINED_READS) {
            reads = new Cell[32]; // do not keep a huge transaction's read set alive on the thread
        } else if (nReads > 0) {
            Arrays.fill(reads, 0, nReads, null);
        }
        nReads = 0;
        clearWrites();
        nUndo = 0;
        if (nHot > 0) {
            Arrays.fill(hotNames, null);
            nHot = 0;
        }
        if (undoUsed) {
            Arrays.fill(uRefs, null); // do not keep values an inner scope overwrote alive
            undoUsed = false;
        }
        clearHooks();
    }

    private void clearHooks() {
        if (!commitHooks.isEmpty()) {
            commitHooks.clear();
        }
        if (!rollbackHooks.isEmpty()) {
            rollbackHooks.clear();
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
        if (depth != level || lostLevel <= depth) {
            if (!resync(level)) {
                // this scope is gone already (unwound after a lost end): nothing left to do
                if (failure != null) {
                    throw sneaky(failure);
                }
                return true;
            }
        }
        if (depth > 1) {
            return exitNested(failure);
        }
        if (failure == null && nWrites == 0 && !doomed && !retryRequested && retryStartNanos == 0L && !privileged
                && commitHooks.isEmpty() && rollbackHooks.isEmpty() && reads.length <= MAX_RETAINED_READS) {
            // Wrote nothing: its reads were one consistent snapshot, there is nothing to publish.
            if (nReads > 0) {
                Arrays.fill(reads, 0, nReads, null);
                nReads = 0;
            }
            depth = 0;
            return true;
        }
        try {
            if (failure == null && !doomed && !retryRequested) {
                int busy = 0;
                while (true) {
                    int outcome = commit();
                    if (outcome == COMMITTED) {
                        return finishCommitted();
                    }
                    if (outcome == BUSY && ++busy < COMMIT_LOCK_TRIES && !isPastTimeout()) {
                        if (!Backoff.pause(busy)) {
                            throw interrupted("backing off before retrying a commit");
                        }
                        continue;
                    }
                    break;
                }
                return retryAfterConflict();
            }
            if (retryRequested || failure == ControlFlow.RETRY) {
                return blockThenRetry();
            }
            if (doomed || failure == ControlFlow.CONFLICT) {
                return retryAfterConflict();
            }
            recordEnd(ThreadStats.ABORTS + Abort.EXCEPTION.ordinal(), attributed());
            rollbackAttempt();
            Runnable[] hooks = takeHooks(rollbackHooks);
            end();
            if (hooks != null) {
                runHooks(hooks, failure);
            }
            throw sneaky(failure);
        } catch (Throwable t) {
            if (depth > 0) {
                rollbackAttempt();
                end();
            }
            throw sneaky(t);
        }
    }

    /**
     * Unwinds the scopes whose end was lost to a stack overflow ({@link TxnState}), as if their
     * bodies had thrown: their writes are undone and their rollback hooks run.
     */
    void repair() {
        int level = lostLevel;
        clearLost();
        unwindFrom(level);
    }

    private void clearLost() {
        lostLevel = Integer.MAX_VALUE;
        alert = doomed || retryRequested ? 1 : 0;
    }

    /** Unwinds every open nested scope at {@code level} or deeper, as if its body had thrown. */
    private void unwindFrom(int level) {
        while (depth >= level && depth > 1) {
            undoScope(new StmException("scope abandoned: its end was lost to a StackOverflowError"));
        }
    }

    /** Unwinds the flagged lost scope if it is still open, or drops a flag whose scope did end. */
    private void settleLost() {
        if (lostLevel <= depth) {
            repair();
        } else {
            clearLost();
        }
    }

    /**
     * Before ending the scope at {@code level}: unwinds lost scopes and any deeper scope whose
     * end never came. @return whether the scope at {@code level} is still open
     */
    private boolean resync(int level) {
        if (lostLevel != Integer.MAX_VALUE) {
            settleLost();
        }
        if (level >= 1) {
            unwindFrom(level + 1);
        }
        return depth == level;
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

    private boolean finishCommitted() {
        recordEnd(ThreadStats.COMMITS, attributed());
        Runnable[] hooks = takeHooks(commitHooks);
        end();
        if (hooks != null) {
            runHooks(hooks, null);
        }
        return true;
    }

    private static Runnable[] takeHooks(List<Runnable> hooks) {
        if (hooks.isEmpty()) {
            return null;
        }
        Runnable[] taken = hooks.toArray(new Runnable[0]);
        hooks.clear();
        return taken;
    }

    /** Runs hooks outside this transaction; every hook runs, the first failure propagates. */
    private void runHooks(Runnable[] hooks, Throwable primary) {
        Txn s = spare != null ? spare : (spare = new Txn());
        setCurrent(s);
        Throwable first = null;
        try {
            for (Runnable h : hooks) {
                try {
                    h.run();
                } catch (Throwable e) {
                    if (primary != null) {
                        primary.addSuppressed(e);
                    } else if (first == null) {
                        first = e;
                    } else {
                        first.addSuppressed(e);
                    }
                }
            }
        } finally {
            setCurrent(this);
        }
        if (first != null) {
            throw sneaky(first);
        }
    }

    private void rollbackAttempt() {
        // Writes are buffered: dropping the buffers is the whole rollback.
        clearWrites();
        nUndo = 0;
    }

    private boolean retryAfterConflict() {
        recordAbort(conflictWasBusy ? Abort.BUSY : Abort.CONFLICT, conflictCell);
        rollbackAttempt();
        runRollbackHooksOfAttempt();
        if (maxRetries >= 0 && attempts > maxRetries) {
            int n = attempts;
            Throwable cause = conflictCause();
            recordEnd(ThreadStats.GIVEN_UP, attributed());
            end();
            throw new MaxRetriesExceeded("transaction still conflicted after " + n + " attempts (maxRetries="
                    + maxRetries + ")", n, cause);
        }
        if (isPastTimeout()) {
            int n = attempts;
            Throwable cause = conflictCause();
            recordEnd(ThreadStats.GIVEN_UP, attributed());
            end();
            throw new RetryTimeoutExceeded("transaction still conflicted after " + (timeoutNanos / 1_000_000L)
                    + " ms and " + n + " attempts", n, cause);
        }
        if (attempts >= ContentionManager.PRIORITY_AFTER) {
            // take the gate, or renew its lease for the next attempt (losing it if taken over)
            long now = System.nanoTime();
            if (privileged) {
                longestPrivileged = Math.max(longestPrivileged, now - privilegedSince);
            }
            privileged = ContentionManager.tryPrioritize(this, longestPrivileged);
            privilegedSince = now;
        }
        if (privileged ? Thread.currentThread().isInterrupted() : !Backoff.pause(attempts)) {
            throw interrupted(privileged ? "re-running a transaction after a conflict"
                    : "backing off before re-running a transaction");
        }
        startAttempt();
        return false;
    }

    private void runRollbackHooksOfAttempt() {
        Runnable[] hooks = takeHooks(rollbackHooks);
        if (hooks != null) {
            runHooks(hooks, null);
        }
    }

    private boolean blockThenRetry() {
        rollbackAttempt();
        runRollbackHooksOfAttempt();
        if (!recordReads) {
            // A read-only attempt kept no read set: re-run it once recording, then block on that.
            recordReads = true;
            attempts--;
            startAttempt();
            return false;
        }
        recordAbort(Abort.RETRY, nReads > 0 ? reads[0] : null);
        if (nReads == 0) {
            end();
            throw new IllegalStateException("Stm.retry() called in a transaction that has read nothing:"
                    + " it would wait forever");
        }
        if (privileged) {
            ContentionManager.release(this);
            privileged = false;
        }
        long deadline = timeoutNanos < 0 ? Long.MAX_VALUE : startNanos + timeoutNanos;
        boolean changed;
        try {
            changed = Blocking.awaitChange(this, deadline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            end();
            throw new StmException("interrupted while blocked in Stm.retry()", e);
        }
        if (!changed) {
            int n = attempts;
            Throwable cause = conflictCell == null ? null : conflictCause();
            recordEnd(ThreadStats.GIVEN_UP, attributed());
            end();
            throw new RetryTimeoutExceeded("transaction still waiting in Stm.retry() after "
                    + (timeoutNanos / 1_000_000L) + " ms", n, cause);
        }
        attempts--; // a blocking retry is not a conflict: it does not use up an attempt
        startAttempt();
        return false;
    }

    private boolean isPastTimeout() {
        return timeoutNanos >= 0 && System.nanoTime() - startNanos > timeoutNanos;
    }

    private StmException interrupted(String where) {
        end();
        return new StmException("interrupted while " + where, new InterruptedException());
    }

    // ------------------------------------------------------------------ statistics

    /** This thread's counters for the store {@code r}. */
    private ThreadStats stats(StatsRecorder r) {
        return statsByStore.of(r);
    }

    /** The store a finished transaction counts in: its first write's, else its last conflict's. */
    private StatsRecorder attributed() {
        if (nWrites > 0) {
            return wCells[0].stats;
        }
        if (retryStartNanos != 0L && conflictCell != null) {
            return conflictCell.stats;
        }
        return nReads > 0 && retryStartNanos != 0L ? reads[0].stats : null;
    }

    /** Counts the outermost transaction's end ({@code counter}), its re-runs and time retrying. */
    private void recordEnd(int counter, StatsRecorder r) {
        if (r == null) {
            return; // wrote nothing and never aborted: not counted
        }
        ThreadStats s = stats(r);
        s.add(counter, 1L);
        if (retryStartNanos != 0L) {
            if (attempts > 1) {
                s.add(ThreadStats.bucket(attempts - 1), 1L);
            }
            s.add(ThreadStats.RETRY_NANOS, ThreadStats.now() - retryStartNanos);
        }
    }

    /** Counts an abandoned attempt, its hot spot, and warns once about a transaction that keeps re-running. */
    private void recordAbort(Abort cause, Cell on) {
        if (retryStartNanos == 0L) {
            retryStartNanos = ThreadStats.now() | 1L;
        }
        if (on == null) {
            return;
        }
        if (cause == Abort.RETRY) {
            stats(on.stats).add(ThreadStats.ABORTS + cause.ordinal(), 1L);
            return;
        }
        countConflict(cause, on);
        noteHot(on.name);
        if (attempts >= WARN_AFTER && WARN_AFTER > 0 && !warned) {
            warned = true;
            warnLongRetry();
        }
    }

    private void noteHot(Object name) {
        for (int i = 0; i < nHot; i++) {
            if (hotNames[i].equals(name)) {
                hotCounts[i]++;
                return;
            }
        }
        if (nHot < hotNames.length) {
            hotNames[nHot] = name;
            hotCounts[nHot++] = 1;
        }
    }

    /** Classes between a transaction's method and this one, skipped when naming the method. */
    private static final java.util.Set<String> ENGINE_FRAMES = java.util.Set.of(Txn.class.getName(),
            Transactions.class.getName(), AtomicBridge.class.getName(), VersionedStore.class.getName(),
            StoreValue.class.getName(), StoreChangeset.class.getName(), "io.stm4j.Stm");

    private void warnLongRetry() {
        int best = 0;
        for (int i = 1; i < nHot; i++) {
            if (hotCounts[i] > hotCounts[best]) {
                best = i;
            }
        }
        String where = StackWalker.getInstance().walk(frames -> frames
                .filter(f -> !ENGINE_FRAMES.contains(f.getClassName()))
                .findFirst()
                .map(f -> f.getClassName() + "." + f.getMethodName())
                .orElse("an unknown method"));
        Log.warn("stm4j: the transaction in " + where + " has aborted " + attempts + " times in a row;"
                + " hottest conflict: " + (nHot == 0 ? "none recorded" : hotNames[best] + " (" + hotCounts[best]
                + " of " + attempts + " aborts)") + ". Store.stats().hotSpots() lists the hot spots of all"
                + " transactions; -Dstm4j.warnAfterRetries sets when this warning comes (0: never)");
    }

    private Throwable conflictCause() {
        String name = String.valueOf(conflictCell);
        return conflictWasBusy
                ? new BusyRetry("'" + name + "' stayed locked by concurrent commits")
                : new ConcurrentUpdate("'" + name + "' was changed by a concurrent commit");
    }

    // ------------------------------------------------------------------ nesting

    private void pushScope(boolean readOnlyScope) {
        int d = depth;
        if (d == scopeStack.length) {
            int n = d * 2;
            scopeStack = Arrays.copyOf(scopeStack, n);
            markWrites = Arrays.copyOf(markWrites, n);
            markUndo = Arrays.copyOf(markUndo, n);
            markCommitHooks = Arrays.copyOf(markCommitHooks, n);
            markRollbackHooks = Arrays.copyOf(markRollbackHooks, n);
            markReadOnly = Arrays.copyOf(markReadOnly, n);
        }
        scopeStack[d] = scope;
        markWrites[d] = nWrites;
        markUndo[d] = nUndo;
        markCommitHooks[d] = commitHooks.size();
        markRollbackHooks[d] = rollbackHooks.size();
        markReadOnly[d] = readOnlyScopes;
        if (readOnlyScope) {
            readOnlyScopes++;
        }
        scope = ++nextScope;
        depth = d + 1;
    }

    private void popScope() {
        int d = --depth;
        scope = scopeStack[d];
        readOnlyScopes = markReadOnly[d];
    }

    /** An exception escaped an inner scope: undo only that scope's writes and hooks. */
    private void undoScope(Throwable failure) {
        int d = depth - 1;
        int undoMark = markUndo[d];
        for (int i = nUndo - 1; i >= undoMark; i--) {
            int w = uIndex[i];
            wRefs[w] = uRefs[i];
            wPrims[w] = uPrims[i];
            wScope[w] = uScopes[i];
        }
        // cleared after the loop, so that an overflow inside it leaves the log whole for a retry
        Arrays.fill(uRefs, undoMark, nUndo, null);
        nUndo = undoMark;
        int writeMark = markWrites[d];
        if (nWrites > writeMark) {
            Arrays.fill(wCells, writeMark, nWrites, null);
            Arrays.fill(wRefs, writeMark, nWrites, null);
            nWrites = writeMark;
            if (indexed) {
                rebuildIndex();
            }
        }
        truncate(commitHooks, markCommitHooks[d]);
        int rbMark = markRollbackHooks[d];
        Runnable[] hooks = rollbackHooks.size() > rbMark
                ? takeHooks(rollbackHooks.subList(rbMark, rollbackHooks.size())) : null;
        popScope();
        if (hooks != null) {
            runHooks(hooks, failure);
        }
    }

    private static void truncate(List<Runnable> l, int size) {
        if (l.size() > size) {
            l.subList(size, l.size()).clear();
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
        Version v = snapshot(c);
        record(c);
        return v.ref;
    }

    long readPrim(Cell c) {
        if (nWrites > 0) {
            int i = findWrite(c);
            if (i >= 0) {
                return wPrims[i];
            }
        }
        Version v = snapshot(c);
        record(c);
        return v.prim;
    }

    /** The key's version as this transaction sees it: the snapshot's, plus one if written here. */
    long viewSeq(Cell c) {
        Version v = snapshot(c);
        record(c);
        return findWrite(c) >= 0 ? v.seq + 1 : v.seq;
    }

    boolean hasWritten(Cell c) {
        return nWrites > 0 && findWrite(c) >= 0;
    }

    private void record(Cell c) {
        if (recordReads && (nReads == 0 || reads[nReads - 1] != c)) {
            if (nReads == reads.length) {
                reads = Arrays.copyOf(reads, nReads * 2);
            }
            reads[nReads++] = c;
        }
    }

    /** The latest version of {@code c} inside this transaction's snapshot. */
    private Version snapshot(Cell c) {
        checkDoomed();
        int spins = 0;
        while (true) {
            Txn o = c.owner;
            if (o != null && o != this) {
                long w = o.wv;
                if (w == 0L || w <= rv) {
                    // The owner is publishing a commit that may belong to our snapshot: wait for it.
                    spins = Backoff.await(spins);
                    continue;
                }
            }
            Version h = c.head;
            if (h.stamp <= rv) {
                return h;
            }
            if (recordReads) {
                if (extend()) {
                    continue;
                }
                throw conflict(c, false);
            }
            for (Version v = h.prev; v != null; v = v.prev) {
                if (v.stamp <= rv) {
                    return v;
                }
            }
            // History trimmed past our snapshot: start again from a newer one.
            throw conflict(c, false);
        }
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

    private boolean readsValid() {
        Cell[] r = reads;
        for (int i = 0, n = nReads; i < n; i++) {
            Cell c = r[i];
            Txn o = c.owner;
            if ((o != null && o != this) || c.head.stamp > rv) {
                conflictCell = c;
                conflictWasBusy = false;
                return false;
            }
        }
        return true;
    }

    /**
     * For {@link Blocking}: whether anything read has a newer version than the snapshot, or is
     * locked by a commit that may be about to publish one (see {@link Blocking#hasWaiters()}).
     */
    boolean readSetChanged() {
        for (int i = 0; i < nReads; i++) {
            Cell c = reads[i];
            if (c.owner != null || c.head.stamp > rv) {
                return true;
            }
        }
        return false;
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
            throw new IllegalStateException("write to '" + c.name + "' inside a read-only transaction");
        }
        int i = nWrites > 0 ? findWrite(c) : -1;
        if (i >= 0) {
            if (depth > 1 && wScope[i] != scope) {
                pushUndo(i);
            }
            wRefs[i] = ref;
            wPrims[i] = prim;
            wScope[i] = scope;
            return;
        }
        appendWrite(c, ref, prim);
    }

    private void pushUndo(int i) {
        if (nUndo == uIndex.length) {
            int n = nUndo * 2;
            uIndex = Arrays.copyOf(uIndex, n);
            uRefs = Arrays.copyOf(uRefs, n);
            uPrims = Arrays.copyOf(uPrims, n);
            uScopes = Arrays.copyOf(uScopes, n);
        }
        undoUsed = true;
        uIndex[nUndo] = i;
        uRefs[nUndo] = wRefs[i];
        uPrims[nUndo] = wPrims[i];
        uScopes[nUndo] = wScope[i];
        nUndo++;
    }

    private void appendWrite(Cell c, Object ref, long prim) {
        int n = nWrites;
        if (n == wCells.length) {
            int cap = n * 2;
            wCells = Arrays.copyOf(wCells, cap);
            wRefs = Arrays.copyOf(wRefs, cap);
            wPrims = Arrays.copyOf(wPrims, cap);
            wScope = Arrays.copyOf(wScope, cap);
        }
        wCells[n] = c;
        wRefs[n] = ref;
        wPrims[n] = prim;
        wScope[n] = scope;
        nWrites = n + 1;
        bloom |= 1L << (c.hash & 63);
        if (indexed) {
            if (nWrites * 2 > index.length) {
                rebuildIndex();
            } else {
                indexInsert(c, n);
            }
        } else if (nWrites > LINEAR_MAX) {
            rebuildIndex();
        }
    }

    private int findWrite(Cell c) {
        if ((bloom & (1L << (c.hash & 63))) == 0L) {
            return -1;
        }
        if (!indexed) {
            Cell[] cs = wCells;
            for (int i = 0, n = nWrites; i < n; i++) {
                if (cs[i] == c) {
                    return i;
                }
            }
            return -1;
        }
        int mask = index.length - 1;
        for (int s = (c.hash >>> 6) & mask; ; s = (s + 1) & mask) {
            int e = index[s];
            if (e == 0) {
                return -1;
            }
            if (wCells[e - 1] == c) {
                return e - 1;
            }
        }
    }

    private void rebuildIndex() {
        int size = Integer.highestOneBit(Math.max(16, nWrites * 4) - 1) << 1;
        if (index.length != size) {
            index = new int[size];
        } else {
            Arrays.fill(index, 0);
        }
        indexed = nWrites > LINEAR_MAX;
        if (indexed) {
            for (int i = 0; i < nWrites; i++) {
                indexInsert(wCells[i], i);
            }
        }
    }

    private void indexInsert(Cell c, int i) {
        int mask = index.length - 1;
        int s = (c.hash >>> 6) & mask;
        while (index[s] != 0) {
            s = (s + 1) & mask;
        }
        index[s] = i + 1;
    }

    // ------------------------------------------------------------------ commit

    static final int COMMITTED = 0;
    static final int CONFLICT = 1;
    static final int BUSY = 2;

    /** Before locking: defer to a privileged transaction, and say that no stamp is taken yet. */
    private void beginCommit() {
        ContentionManager.awaitCommitTurn(this);
        WV.setRelease(this, 0L);
    }

    /** With the locks held: this commit's stamp, published to readers that find its locks. */
    private long stamp() {
        long w = GlobalClock.tick();
        WV.setRelease(this, w);
        return w;
    }

    /** The commit protocol. Never waits while holding a lock. */
    private int commit() {
        int n = nWrites;
        if (n == 0) {
            return COMMITTED; // a consistent snapshot read nothing stale: nothing to publish
        }
        beginCommit();
        Cell[] cs = wCells;
        int locked = 0;
        boolean wake = false;
        try {
            for (; locked < n; locked++) {
                if (!cs[locked].tryLock(this)) {
                    conflictCell = cs[locked];
                    conflictWasBusy = true;
                    return BUSY;
                }
            }
            long w = stamp();
            if (w != rv + 1 && !readsValid()) {
                return CONFLICT;
            }
            wake = Blocking.hasWaiters();
            for (int i = 0; i < n; i++) {
                cs[i].install(wRefs[i], wPrims[i], w);
            }
        } finally {
            for (int i = 0; i < locked; i++) {
                cs[i].unlock();
            }
        }
        if (wake) {
            Blocking.wake();
        }
        return COMMITTED;
    }

    // ------------------------------------------------------------------ hooks

    void addCommitHook(Runnable r) {
        commitHooks.add(r);
    }

    void addRollbackHook(Runnable r) {
        rollbackHooks.add(r);
    }

    // ------------------------------------------------------------------ outside a transaction

    /**
     * The latest committed version of {@code c}, read outside any transaction.
     *
     * @param spinBudget how long to wait for a committer publishing this cell; -1 for as long as
     *     it takes (it never holds the lock for long)
     * @return the version, or null if the budget ran out (never with an unlimited budget)
     */
    static Version latest(Cell c, int spinBudget) {
        while (true) {
            if (c.owner == null) {
                return c.head;
            }
            Version v = at(c, GlobalClock.now(), spinBudget);
            if (v != null || spinBudget >= 0) {
                return v;
            }
            // Newer commits trimmed the history past the clock value read: read again.
        }
    }

    /**
     * The latest version of {@code c} at snapshot {@code rv}, outside any transaction.
     *
     * @return the version, or null if the budget ran out or the history no longer reaches back
     *     to {@code rv}
     */
    static Version at(Cell c, long rv, int spinBudget) {
        int spins = 0;
        while (true) {
            Txn o = c.owner;
            if (o != null) {
                long w = o.wv;
                if (w == 0L || w <= rv) {
                    if (spinBudget >= 0 && spins >= spinBudget) {
                        return null;
                    }
                    spins = Backoff.await(spins);
                    continue;
                }
            }
            for (Version v = c.head; v != null; v = v.prev) {
                if (v.stamp <= rv) {
                    return v;
                }
            }
            return null;
        }
    }

    /**
     * Commits cells outside any transaction, as a transaction of their own, without waiting for
     * locks: locks them all, checks that each still has the version {@code expectedSeq} says, and
     * publishes the ones {@code write} marks (all of them when it is null).
     *
     * @return COMMITTED, BUSY (nothing written), or the index + 3 of the first stale cell
     */
    int commitAlone(Cell[] cells, long[] expectedSeq, boolean[] write, Object[] refs) {
        int n = cells.length;
        beginCommit();
        int locked = 0;
        boolean wake = false;
        try {
            for (; locked < n; locked++) {
                if (!cells[locked].tryLock(this)) {
                    countConflict(Abort.BUSY, cells[locked]);
                    return BUSY;
                }
            }
            for (int i = 0; i < n; i++) {
                if (cells[i].head.seq != expectedSeq[i]) {
                    countConflict(Abort.CONFLICT, cells[i]);
                    return i + 3;
                }
            }
            long w = stamp();
            wake = Blocking.hasWaiters();
            for (int i = 0; i < n; i++) {
                if (write == null || write[i]) {
                    cells[i].install(refs[i], 0L, w);
                }
            }
        } finally {
            for (int i = 0; i < locked; i++) {
                cells[i].unlock();
            }
        }
        if (wake) {
            Blocking.wake();
        }
        stats(cells[0].stats).add(ThreadStats.COMMITS, 1L);
        return COMMITTED;
    }

    /** Counts an attempt (or a commit outside any transaction) abandoned for a conflict on {@code on}. */
    private void countConflict(Abort cause, Cell on) {
        stats(on.stats).add(ThreadStats.ABORTS + cause.ordinal(), 1L);
        on.stats.conflict(on.name);
    }

    /** A plain write outside any transaction: a one-cell transaction that waits its turn. */
    void writeAlone(Cell c, Object ref, long prim) {
        int failures = 0;
        while (true) {
            beginCommit();
            if (c.tryLock(this)) {
                boolean wake;
                try {
                    long w = stamp();
                    wake = Blocking.hasWaiters();
                    c.install(ref, prim, w);
                } finally {
                    c.unlock();
                }
                if (wake) {
                    Blocking.wake();
                }
                stats(c.stats).add(ThreadStats.COMMITS, 1L);
                return;
            }
            Backoff.pause(Math.min(++failures, 6));
        }
    }

    @SuppressWarnings("unchecked")
    static <E extends Throwable> RuntimeException sneaky(Throwable t) throws E {
        throw (E) t;
    }
}
