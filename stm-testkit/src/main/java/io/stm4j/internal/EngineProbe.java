package io.stm4j.internal;

import io.stm4j.Shared;
import io.stm4j.Store;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The test kit's only way into the engine: queries and controls compiled against its
 * package-private members (this class lives in the engine's package, {@code io.stm4j.internal},
 * split across stm-runtime and stm-testkit on the class path, so a change of those members breaks
 * the build, not a test at run time). Tests use {@link io.stm4j.testkit.EngineAudit} and the
 * other classes of {@code io.stm4j.testkit}, not this one.
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
 */
public final class EngineProbe {
    private EngineProbe() {
    }

    /** @return the priority gate's holder, described with its thread and the thread's state, or null */
    public static String priorityHolder() {
        Txn t = ContentionManager.holder();
        return t == null ? null : t + " of thread \"" + t.thread.getName() + "\" (" + t.thread.getState() + ")";
    }

    /** @return whether a transaction holds the priority gate and its lease still runs */
    public static boolean priorityLeaseRuns() {
        ContentionManager.Tenure g = ContentionManager.tenure();
        return g != null && g.leaseRuns();
    }

    /** @return how many commits have waited for a privileged transaction since the JVM started */
    public static long deferredCommits() {
        return ContentionManager.deferredCommits();
    }

    /** @return whether some thread holds the {@code Stm.retry()} waiting room's lock */
    public static boolean waitingRoomLocked() {
        return Blocking.waitingRoomLocked();
    }

    /** @return how many transactions are counted as waiting in {@code Stm.retry()} */
    public static int retryWaiters() {
        return Blocking.waiterCount();
    }

    /** Adds the names of {@code store}'s locked cells to {@code locked}; returns how many cells it has. */
    public static int lockedCells(Store store, List<String> locked) {
        if (!(store instanceof VersionedStore)) {
            throw new AssertionError(store + " is a " + store.getClass().getName() + ", not a store of the stm4j engine ("
                    + VersionedStore.class.getName() + "): cannot audit its cells");
        }
        int n = 0;
        for (Cell cell : ((VersionedStore) store).cells()) {
            n++;
            if (cell.owner != null) {
                locked.add(String.valueOf(cell.name()));
            }
        }
        return n;
    }

    /** Adds {@code o}'s locked {@code @Shared} fields to {@code locked}; returns how many cells were checked. */
    public static int lockedFields(Object o, List<String> locked) {
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

    private static String identity(Object o) {
        return o.getClass().getSimpleName() + "@" + Integer.toHexString(System.identityHashCode(o));
    }

    /**
     * Makes a transaction of another thread take the priority gate and keep it (renewing its lease
     * every millisecond) until {@code close()}: then no transaction of the test can take priority,
     * so one can be made to lose again and again, as when another holds the gate for long. The
     * holder reads and writes nothing, so no commit waits for it.
     */
    public static AutoCloseable holdPriority() throws InterruptedException {
        CountDownLatch taken = new CountDownLatch(1);
        boolean[] stop = new boolean[1];
        Thread t = new Thread(() -> {
            Txn holder = new Txn();
            try {
                while (!stopped(stop)) {
                    if (ContentionManager.tryPrioritize(holder, 0L) != 0L) {
                        taken.countDown();
                    }
                    java.util.concurrent.locks.LockSupport.parkNanos(1_000_000L);
                }
            } finally {
                ContentionManager.release(holder);
            }
        }, "stm4j-testkit-priority-holder");
        t.setDaemon(true);
        t.start();
        if (!taken.await(60, TimeUnit.SECONDS)) {
            throw new AssertionError("the priority gate was not taken within 60 s: held by " + priorityHolder());
        }
        return () -> {
            synchronized (stop) {
                stop[0] = true;
            }
            t.join(60_000);
            if (t.isAlive()) {
                throw new AssertionError("the priority holder did not stop");
            }
        };
    }

    private static boolean stopped(boolean[] stop) {
        synchronized (stop) {
            return stop[0];
        }
    }

    /**
     * Sends the engine's warnings (the long-retry warning) to {@code sink} instead of the logger until
     * {@code close()}.
     */
    public static AutoCloseable captureWarnings(Consumer<String> sink) {
        Consumer<String> original = Log.sink;
        Log.sink = sink;
        return () -> Log.sink = original;
    }
}
