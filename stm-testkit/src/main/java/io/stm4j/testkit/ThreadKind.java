package io.stm4j.testkit;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.locks.LockSupport;

/**
 * Platform threads everywhere; virtual threads too on JDK 21 and later. The suites compile with
 * {@code --release 17}, so virtual threads are made through method handles found at run time.
 */
public enum ThreadKind {
    PLATFORM,
    VIRTUAL;

    private static final ThreadFactory VIRTUAL_FACTORY = virtualFactory();

    /** @return the kinds this JVM offers: PLATFORM, and VIRTUAL on JDK 21+ */
    public static List<ThreadKind> available() {
        return VIRTUAL_FACTORY == null ? List.of(PLATFORM) : List.of(PLATFORM, VIRTUAL);
    }

    /**
     * An unstarted thread of this kind.
     *
     * @param name its name
     * @param body what it runs
     * @return the thread (platform threads are daemons, as virtual threads always are)
     */
    public Thread newThread(String name, Runnable body) {
        Thread t;
        if (this == VIRTUAL) {
            if (VIRTUAL_FACTORY == null) {
                throw new IllegalStateException("virtual threads need JDK 21+, this is " + Runtime.version());
            }
            t = VIRTUAL_FACTORY.newThread(body);
            t.setName(name);
        } else {
            t = new Thread(body, name);
            t.setDaemon(true);
        }
        return t;
    }

    /**
     * For CPU-bound loops: virtual threads are not time-sliced, so a loop that never blocks would
     * keep its carrier from the other virtual threads. Parks for a microsecond on a virtual thread
     * (see {@link #pause()} for why not a yield), does nothing on a platform thread.
     */
    public static void beFair() {
        parkIfVirtual();
    }

    /**
     * One step of a loop that waits for another thread: a yield on a platform thread, a
     * microsecond's park on a virtual thread. A yielding virtual thread goes back to its carrier's
     * local queue, ahead of the virtual threads whose timed park has ended, so virtual threads
     * that yield in a loop can keep a parked one from running for minutes (seen on JDK 25 with 64
     * virtual threads on 2 carriers); parking queues them fairly.
     */
    public static void pause() {
        if (!parkIfVirtual()) {
            Thread.yield();
        }
    }

    /** @return whether this is a virtual thread, which then parked for a microsecond */
    private static boolean parkIfVirtual() {
        if (!isVirtual(Thread.currentThread())) {
            return false;
        }
        LockSupport.parkNanos(1_000L);
        return true;
    }

    private static final MethodHandle IS_VIRTUAL = isVirtualHandle();

    /** @return whether {@code t} is a virtual thread (false before JDK 21) */
    public static boolean isVirtual(Thread t) {
        if (IS_VIRTUAL == null) {
            return false;
        }
        try {
            return (boolean) IS_VIRTUAL.invokeExact(t);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    private static MethodHandle isVirtualHandle() {
        if (Runtime.version().feature() < 21) {
            return null;
        }
        try {
            return MethodHandles.publicLookup().findVirtual(Thread.class, "isVirtual", MethodType.methodType(boolean.class));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("JDK " + Runtime.version() + " has no Thread.isVirtual()", e);
        }
    }

    private static ThreadFactory virtualFactory() {
        if (Runtime.version().feature() < 21) {
            return null;
        }
        try {
            // Thread.ofVirtual().factory(), written without the JDK 21 types
            Class<?> builder = Class.forName("java.lang.Thread$Builder");
            Class<?> ofVirtual = Class.forName("java.lang.Thread$Builder$OfVirtual");
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            Object b = lookup.findStatic(Thread.class, "ofVirtual", MethodType.methodType(ofVirtual)).invoke();
            return (ThreadFactory) lookup.findVirtual(builder, "factory", MethodType.methodType(ThreadFactory.class))
                    .invoke(b);
        } catch (Throwable e) {
            throw new IllegalStateException("JDK " + Runtime.version() + " should offer Thread.ofVirtual()", e);
        }
    }
}
