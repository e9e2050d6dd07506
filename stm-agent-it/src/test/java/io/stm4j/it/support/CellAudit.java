package io.stm4j.it.support;

import io.stm4j.Shared;
import io.stm4j.Stm;
import io.stm4j.Store;
import io.stm4j.internal.FieldBridge;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;

/**
 * "No cell left locked", read from the engine's internals by reflection (they are not API, so
 * every lookup fails with a message naming what it looked for if they change):
 *
 * <ul>
 *   <li>a store's cells: the map of {@code io.stm4j.internal.VersionedStore};</li>
 *   <li>a {@code @Shared} field's cell: the field {@code stm$cell$<name>} that the agent adds to
 *       the declaring class ({@link FieldBridge#CELL_PREFIX}), holding an
 *       {@code io.stm4j.internal.Cell};</li>
 *   <li>a cell is locked while its lock word ({@code Cell.owner}, the committing transaction) is
 *       not null;</li>
 *   <li>the engine-wide locks: the contention manager's priority gate
 *       ({@code ContentionManager.gate}) and the lock of the {@code Stm.retry()} waiting room
 *       ({@code Blocking.LOCK}, {@code Blocking.waiters}).</li>
 * </ul>
 */
public final class CellAudit {
    private static final Class<?> CELL = engineClass("io.stm4j.internal.Cell");
    private static final Class<?> TXN = engineClass("io.stm4j.internal.Txn");
    private static final Field OWNER = field(CELL, "owner", TXN);
    private static final Field NAME = field(CELL, "name", Object.class);
    private static final Field STORE_CELLS = field(engineClass("io.stm4j.internal.VersionedStore"), "cells", Map.class);
    private static final Class<?> CONTENTION = engineClass("io.stm4j.internal.ContentionManager");
    private static final Field GATE = field(CONTENTION, "gate", TXN);
    private static final Field DEFERRED = field(CONTENTION, "DEFERRED", LongAdder.class);
    private static final Class<?> BLOCKING = engineClass("io.stm4j.internal.Blocking");
    private static final Field BLOCKING_LOCK = field(BLOCKING, "LOCK", ReentrantLock.class);
    private static final Field BLOCKING_WAITERS = field(BLOCKING, "waiters", int.class);

    private CellAudit() {
    }

    /**
     * Asserts that no cell of {@code store} is locked.
     *
     * @return how many cells were checked
     */
    public static int assertUnlocked(Store store) {
        Object cells = get(STORE_CELLS, store);
        List<String> locked = new ArrayList<>();
        int n = 0;
        for (Object cell : ((Map<?, ?>) cells).values()) {
            n++;
            if (get(OWNER, cell) != null) {
                locked.add(String.valueOf(get(NAME, cell)));
            }
        }
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
     */
    public static int assertUnlocked(Object... objects) {
        List<String> locked = new ArrayList<>();
        int n = 0;
        for (Object o : objects) {
            int fields = 0;
            for (Class<?> c = o.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
                for (Field f : c.getDeclaredFields()) {
                    if (!f.isAnnotationPresent(Shared.class)) {
                        continue;
                    }
                    fields++;
                    Field holder = cellField(c, f);
                    Object cell = get(holder, Modifier.isStatic(f.getModifiers()) ? null : o);
                    if (cell != null) {
                        n++;
                        if (get(OWNER, cell) != null) {
                            locked.add(c.getName() + "." + f.getName() + " of " + identity(o));
                        }
                    }
                }
            }
            if (fields == 0) {
                throw new AssertionError(o.getClass().getName() + " has no @Shared field to audit");
            }
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
        if (Stm.inTransaction()) {
            throw new AssertionError(Thread.currentThread() + " is still inside a transaction");
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
        Object gate = get(GATE, null);
        if (gate != null && !priorityMayBeHeld) {
            throw new AssertionError("the contention manager's priority gate is still held by " + gate);
        }
        ReentrantLock lock = (ReentrantLock) get(BLOCKING_LOCK, null);
        if (lock.isLocked()) {
            throw new AssertionError("the Stm.retry() waiting room's lock is still held");
        }
        int waiters = (int) get(BLOCKING_WAITERS, null);
        if (waiters != 0) {
            throw new AssertionError(waiters + " transaction(s) still counted as waiting in Stm.retry()");
        }
    }

    /** @return whether some transaction holds the contention manager's priority gate now */
    public static boolean priorityHeld() {
        return get(GATE, null) != null;
    }

    /**
     * @return how many commits have waited for a privileged transaction since the JVM started (the
     *     contention manager's {@code DEFERRED} counter)
     */
    public static long deferredCommits() {
        return ((LongAdder) get(DEFERRED, null)).sum();
    }

    private static Field cellField(Class<?> declaring, Field shared) {
        String name = FieldBridge.CELL_PREFIX + shared.getName();
        try {
            Field f = declaring.getDeclaredField(name);
            if (f.getType() != CELL) {
                throw new AssertionError(declaring.getName() + "." + name + " is a " + f.getType().getName()
                        + ", not " + CELL.getName());
            }
            f.setAccessible(true);
            return f;
        } catch (NoSuchFieldException e) {
            throw new AssertionError("@Shared field " + declaring.getName() + "." + shared.getName() + " has no cell field '"
                    + name + "': was " + declaring.getName() + " rewritten by the stm4j agent? fields: "
                    + Arrays.stream(declaring.getDeclaredFields()).map(Field::getName).collect(Collectors.toList()), e);
        }
    }

    private static Class<?> engineClass(String name) {
        try {
            return Class.forName(name, false, CellAudit.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new AssertionError("stm4j internals changed: no class " + name, e);
        }
    }

    /** The field {@code name} of {@code owner}, which must have type {@code type}. */
    private static Field field(Class<?> owner, String name, Class<?> type) {
        try {
            Field f = owner.getDeclaredField(name);
            if (!type.isAssignableFrom(f.getType())) {
                throw new AssertionError("stm4j internals changed: " + owner.getName() + "." + name + " is a "
                        + f.getType().getName() + ", expected " + type.getName());
            }
            f.setAccessible(true);
            return f;
        } catch (NoSuchFieldException e) {
            throw new AssertionError("stm4j internals changed: " + owner.getName() + " has no field '" + name + "' (fields: "
                    + Arrays.stream(owner.getDeclaredFields()).map(x -> x.getType().getSimpleName() + " " + x.getName())
                            .collect(Collectors.toList()) + ")", e);
        }
    }

    private static Object get(Field f, Object target) {
        try {
            return f.get(target);
        } catch (IllegalAccessException e) {
            throw new AssertionError("cannot read " + f, e);
        }
    }

    private static String identity(Object o) {
        return o.getClass().getSimpleName() + "@" + Integer.toHexString(System.identityHashCode(o));
    }
}
