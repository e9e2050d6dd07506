package io.stm4j.testkit;

import io.stm4j.Stm;
import io.stm4j.Store;
import io.stm4j.internal.EngineProbe;
import java.util.ArrayList;
import java.util.List;

/**
 * "Nothing left locked": no store cell or {@code @Shared} field cell locked, no priority gate
 * held, nobody in the {@code Stm.retry()} waiting room, the calling thread outside any
 * transaction. Read from the engine itself ({@link EngineProbe}, compiled against it).
 *
 * <p>The {@code assert...} methods throw {@link AssertionError} with a message naming what is
 * locked; the {@code ...Problems} methods return those messages instead (empty: all clear), for
 * callers that collect them, such as {@link EngineQuiescence}.
 */
public final class EngineAudit {
    private EngineAudit() {
    }

    /**
     * Asserts that no cell of {@code store} is locked.
     *
     * @return how many cells were checked
     */
    public static int assertUnlocked(Store store) {
        List<String> locked = new ArrayList<>();
        int n = EngineProbe.lockedCells(store, locked);
        if (!locked.isEmpty()) {
            throw new AssertionError("store cells left locked: " + locked);
        }
        return n;
    }

    /**
     * Asserts that no {@code @Shared} field of these objects (instance fields of their classes and
     * superclasses, and static fields) has a locked cell. A field whose cell was never created has
     * never been used transactionally, so it cannot be locked.
     *
     * @return how many cells were checked
     * @throws AssertionError also if an object has no {@code @Shared} field, or its class was not
     *     rewritten by the agent
     */
    public static int assertUnlocked(Object... objects) {
        List<String> locked = new ArrayList<>();
        int n = 0;
        for (Object o : objects) {
            n += EngineProbe.lockedFields(o, locked);
        }
        if (!locked.isEmpty()) {
            throw new AssertionError("@Shared field cells left locked: " + locked);
        }
        return n;
    }

    /**
     * Asserts that the engine holds no lock of its own: no transaction holds the priority gate,
     * nobody holds the lock of the {@code Stm.retry()} waiting room nor waits in it, and the
     * calling thread is not inside a transaction. Call it when every worker has been joined.
     */
    public static void assertEngineQuiescent() {
        assertEngineLocksFree();
        String inTxn = inTransactionProblem();
        if (inTxn != null) {
            throw new AssertionError(inTxn);
        }
    }

    /** As {@link #assertEngineQuiescent()}, without the check on the calling thread's transaction. */
    public static void assertEngineLocksFree() {
        assertEngineLocksFree(false);
    }

    /**
     * As {@link #assertEngineLocksFree()}.
     *
     * @param priorityMayBeHeld true while a transaction that is known to hold the priority gate is
     *     still running (then only the other locks are checked)
     */
    public static void assertEngineLocksFree(boolean priorityMayBeHeld) {
        List<String> problems = engineLockProblems(priorityMayBeHeld);
        if (!problems.isEmpty()) {
            throw new AssertionError(problems.get(0)
                    + (problems.size() > 1 ? "; and " + String.join("; ", problems.subList(1, problems.size())) : ""));
        }
    }

    /** @return whether some transaction holds the contention manager's priority gate now */
    public static boolean priorityHeld() {
        return EngineProbe.priorityHolder() != null;
    }

    /**
     * @return whether a transaction holds the priority gate and its lease still runs: commits to
     *     what it reads or writes wait for it only while this is true
     */
    public static boolean priorityLeaseRuns() {
        return EngineProbe.priorityLeaseRuns();
    }

    /** @return how many commits have waited for a privileged transaction since the JVM started */
    public static long deferredCommits() {
        return EngineProbe.deferredCommits();
    }

    /**
     * The engine's own locks, as {@link #assertEngineLocksFree(boolean)} checks them.
     *
     * @return one message per lock still held (empty: all free)
     */
    public static List<String> engineLockProblems(boolean priorityMayBeHeld) {
        List<String> problems = new ArrayList<>();
        String gate = EngineProbe.priorityHolder();
        if (gate != null && !priorityMayBeHeld) {
            problems.add("the contention manager's priority gate is still held by " + gate);
        }
        if (EngineProbe.waitingRoomLocked()) {
            problems.add("the Stm.retry() waiting room's lock is still held");
        }
        int waiters = EngineProbe.retryWaiters();
        if (waiters != 0) {
            problems.add(waiters + " transaction(s) still counted as waiting in Stm.retry()");
        }
        return problems;
    }

    /** @return the message of {@link #assertEngineQuiescent()} about the calling thread's transaction, or null */
    public static String inTransactionProblem() {
        return Stm.inTransaction() ? Thread.currentThread() + " is still inside a transaction" : null;
    }

    /**
     * The locked cells of {@code store}, as {@link #assertUnlocked(Store)} checks them.
     *
     * @return one message naming them, or null if none is locked
     */
    public static String lockedCellsProblem(Store store) {
        List<String> locked = new ArrayList<>();
        EngineProbe.lockedCells(store, locked);
        return locked.isEmpty() ? null : "store cells left locked: " + locked + " in " + store;
    }

    /**
     * The locked {@code @Shared} field cells of {@code o}, as {@link #assertUnlocked(Object...)}
     * checks them.
     *
     * @return one message naming them, or null if none is locked
     */
    public static String lockedFieldsProblem(Object o) {
        List<String> locked = new ArrayList<>();
        EngineProbe.lockedFields(o, locked);
        return locked.isEmpty() ? null : "@Shared field cells left locked: " + locked;
    }
}
