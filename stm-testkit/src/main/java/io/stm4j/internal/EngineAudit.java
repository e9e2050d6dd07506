package io.stm4j.internal;

import io.stm4j.Shared;
import io.stm4j.Stm;
import io.stm4j.Store;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * "Nothing left locked", read from the engine through its package-private audit queries: this
 * class lives in the engine's package ({@code io.stm4j.internal}, split across stm-runtime and
 * stm-testkit on the class path), so it is compiled against the engine and a change of those
 * queries breaks the build, not a test at run time.
 *
 * <ul>
 *   <li>a store's cells: {@code VersionedStore.cells()} ({@link Store#defaultStore()} and the
 *       stores of {@link Store#create} are {@code VersionedStore}s);</li>
 *   <li>a {@code @Shared} field's cell: the field {@link Names#CELL_PREFIX}{@code + name}
 *       that the agent adds to the declaring class, holding a {@link Cell} (read by reflection:
 *       the field exists only in the rewritten class);</li>
 *   <li>a cell is locked while its lock word {@code Cell.owner} (the committing transaction) is
 *       not null;</li>
 *   <li>the engine-wide locks: the contention manager's priority gate
 *       ({@code ContentionManager.holder()}) and the {@code Stm.retry()} waiting room
 *       ({@code Blocking.waitingRoomLocked()}, {@code Blocking.waiterCount()}).</li>
 * </ul>
 *
 * <p>The {@code assert...} methods throw {@link AssertionError} with a message naming what is
 * locked; the {@code ...Problems} methods return those messages instead (empty: all clear), for
 * callers that collect them, such as {@link io.stm4j.testkit.EngineQuiescence}.
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
        int n = lockedCells(store, locked);
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
            n += lockedFields(o, locked);
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
        return ContentionManager.holder() != null;
    }

    /** @return how many commits have waited for a privileged transaction since the JVM started */
    public static long deferredCommits() {
        return ContentionManager.deferredCommits();
    }

    /**
     * The engine's own locks, as {@link #assertEngineLocksFree(boolean)} checks them.
     *
     * @return one message per lock still held (empty: all free)
     */
    public static List<String> engineLockProblems(boolean priorityMayBeHeld) {
        List<String> problems = new ArrayList<>();
        Txn gate = ContentionManager.holder();
        if (gate != null && !priorityMayBeHeld) {
            problems.add("the contention manager's priority gate is still held by " + describe(gate));
        }
        if (Blocking.waitingRoomLocked()) {
            problems.add("the Stm.retry() waiting room's lock is still held");
        }
        int waiters = Blocking.waiterCount();
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
        lockedCells(store, locked);
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
        lockedFields(o, locked);
        return locked.isEmpty() ? null : "@Shared field cells left locked: " + locked;
    }

    /** Adds the names of {@code store}'s locked cells to {@code locked}; returns how many cells it has. */
    private static int lockedCells(Store store, List<String> locked) {
        if (!(store instanceof VersionedStore)) {
            throw new AssertionError(store + " is a " + store.getClass().getName() + ", not a store of the stm4j engine ("
                    + VersionedStore.class.getName() + "): cannot audit its cells");
        }
        int n = 0;
        for (Cell cell : ((VersionedStore) store).cells()) {
            n++;
            Txn owner = cell.owner;
            if (owner != null) {
                locked.add(String.valueOf(cell.name));
            }
        }
        return n;
    }

    /** Adds {@code o}'s locked {@code @Shared} fields to {@code locked}; returns how many cells were checked. */
    private static int lockedFields(Object o, List<String> locked) {
        int n = 0;
        int fields = 0;
        for (Class<?> c = o.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (!f.isAnnotationPresent(Shared.class)) {
                    continue;
                }
                fields++;
                Cell cell = cellOf(c, f, o);
                if (cell != null) {
                    n++;
                    if (cell.owner != null) {
                        locked.add(c.getName() + "." + f.getName() + " of " + identity(o));
                    }
                }
            }
        }
        if (fields == 0) {
            throw new AssertionError(o.getClass().getName() + " has no @Shared field to audit");
        }
        return n;
    }

    /** The cell of the {@code @Shared} field {@code shared} of {@code o}, or null if it was never created. */
    private static Cell cellOf(Class<?> declaring, Field shared, Object o) {
        String name = Names.CELL_PREFIX + shared.getName();
        Field holder;
        try {
            holder = declaring.getDeclaredField(name);
        } catch (NoSuchFieldException e) {
            throw new AssertionError("@Shared field " + declaring.getName() + "." + shared.getName() + " has no cell field '"
                    + name + "': was " + declaring.getName() + " rewritten by the stm4j agent? fields: "
                    + Arrays.stream(declaring.getDeclaredFields()).map(Field::getName).collect(Collectors.toList()), e);
        }
        if (holder.getType() != Cell.class) {
            throw new AssertionError(declaring.getName() + "." + name + " is a " + holder.getType().getName() + ", not "
                    + Cell.class.getName());
        }
        holder.setAccessible(true);
        try {
            return (Cell) holder.get(Modifier.isStatic(shared.getModifiers()) ? null : o);
        } catch (IllegalAccessException e) {
            throw new AssertionError("cannot read " + holder, e);
        }
    }

    private static String describe(Txn t) {
        return t + " of thread \"" + t.thread.getName() + "\" (" + t.thread.getState() + ")";
    }

    private static String identity(Object o) {
        return o.getClass().getSimpleName() + "@" + Integer.toHexString(System.identityHashCode(o));
    }
}
