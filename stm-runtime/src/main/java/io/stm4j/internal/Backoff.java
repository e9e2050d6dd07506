package io.stm4j.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * The engine's waits: exponential backoff with jitter after a lost attempt, the short waits for a
 * committer that is publishing, and a commit's wait for a privileged transaction.
 *
 * <p>On a platform thread a wait spins, then yields, and backoff parks after a few failures. On
 * a virtual thread a wait never yields: it spins briefly, then parks. Virtual threads are not
 * time-sliced, and {@code Thread.yield()} puts a virtual thread back on its carrier's local queue,
 * ahead of the virtual threads whose timed park has ended (they come back through another queue);
 * waiters that yield in a loop would then keep a parked transaction from its carrier for minutes
 * (seen on JDK 25 with 64 virtual threads on 2 carriers).
 */
final class Backoff {
    static final long MAX_PARK_NANOS = 1_000_000L;
    /** Spins of a wait for a publishing committer before it yields or parks. */
    private static final int SPINS = 64;
    /** Pauses per spin of {@link #awaitInstall}. */
    private static final int INSTALL_PAUSES = 32;
    /** Longest single park of a wait for a committer (on a virtual thread) or for a privileged transaction. */
    private static final long MAX_VIRTUAL_POLL_NANOS = 64_000L;

    private static final MethodHandle IS_VIRTUAL = isVirtualHandle();

    private Backoff() {
    }

    /**
     * Waits a little after the {@code failures}-th failure.
     *
     * @return false if the thread was interrupted while parked (the flag is left set)
     */
    static boolean pause(int failures) {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        if (failures <= 4) {
            int spins = rnd.nextInt(16 << failures);
            for (int i = 0; i < spins; i++) {
                Thread.onSpinWait();
            }
            return true;
        }
        if (failures <= 6 && !onVirtualThread()) {
            Thread.yield();
            return true;
        }
        long bound = Math.min(MAX_PARK_NANOS, 1_000L << Math.min(Math.max(failures - 6, 1), 20));
        LockSupport.parkNanos(1 + rnd.nextLong(bound));
        return !Thread.currentThread().isInterrupted();
    }

    /**
     * One step of a wait for a condition that another thread makes true soon (a committer
     * publishing): {@value #SPINS} spins, then a yield per step
     * on a platform thread, or on a virtual thread a park whose length doubles every 4 steps up to
     * {@link #MAX_VIRTUAL_POLL_NANOS} (a yield when interrupted, since its park would not wait).
     *
     * @param steps the steps taken so far by this wait, 0 at first
     * @return {@code steps + 1}
     */
    static int await(int steps) {
        if (steps < SPINS) {
            Thread.onSpinWait();
        } else if (!onVirtualThread() || Thread.currentThread().isInterrupted()) {
            Thread.yield(); // an interrupted thread's park returns at once: spinning would hold the carrier
        } else {
            LockSupport.parkNanos(Math.min(MAX_VIRTUAL_POLL_NANOS, 1_000L << Math.min((steps - SPINS) / 4, 6)));
        }
        return steps + 1;
    }

    /**
     * One step of a wait for an install that is rewriting a cell's head in place ({@link Cell}):
     * as {@link #await}, but each spin is {@value #INSTALL_PAUSES} pauses long, so that the reader
     * does not take the cell's cache line back from the installing core between its stores (which
     * slows the install, and with it every commit that waits for the cell's lock).
     *
     * @param steps the steps taken so far by this wait, 0 at first
     * @return {@code steps + 1}
     */
    static int awaitInstall(int steps) {
        if (steps < SPINS) {
            for (int i = 0; i < INSTALL_PAUSES; i++) {
                Thread.onSpinWait();
            }
            return steps + 1;
        }
        return await(steps);
    }

    /**
     * One step of a wait that may last as long as a privileged transaction's lease (up to a
     * second): {@value #SPINS} spins, then parks that double every 4 steps up to
     * {@link #MAX_VIRTUAL_POLL_NANOS}, on any thread (a yield when interrupted).
     *
     * @param steps the steps taken so far by this wait, 0 at first
     * @return {@code steps + 1}
     */
    static int awaitLong(int steps) {
        if (steps < SPINS) {
            Thread.onSpinWait();
        } else if (Thread.currentThread().isInterrupted()) {
            Thread.yield();
        } else {
            LockSupport.parkNanos(Math.min(MAX_VIRTUAL_POLL_NANOS, 1_000L << Math.min((steps - SPINS) / 4, 6)));
        }
        return steps + 1;
    }

    /** @return whether the current thread is a virtual thread (always false before JDK 21) */
    static boolean onVirtualThread() {
        if (IS_VIRTUAL == null) {
            return false;
        }
        try {
            return (boolean) IS_VIRTUAL.invokeExact(Thread.currentThread());
        } catch (Throwable e) {
            throw new IllegalStateException("Thread.isVirtual() failed", e);
        }
    }

    private static MethodHandle isVirtualHandle() {
        if (Runtime.version().feature() < 21) {
            return null; // compiled for Java 17: Thread.isVirtual() is found at run time
        }
        try {
            return MethodHandles.publicLookup().findVirtual(Thread.class, "isVirtual",
                    MethodType.methodType(boolean.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
