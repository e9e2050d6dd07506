package io.stm4j.testkit;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Another thread for a test to run things on, and wait for them, bounded in time.
 *
 * <p>As an instance: one long-lived thread (a daemon) that {@link #run(Runnable) runs an action}
 * while the caller waits, typically to force a conflict deterministically: from inside a
 * transaction body, commit to something the body has read, so that its attempt fails validation.
 * The wait is <em>not interruptible</em>: an interrupt of the caller (which a test may have sent
 * on purpose) is kept on the caller's thread for later, and the action still runs to its end.
 * Close it after the test (try-with-resources, or {@code @AfterEach}).
 *
 * <pre>{@code
 * try (OtherThread other = new OtherThread()) {
 *     Stm.atomic(() -> {
 *         long b = account.balance();
 *         other.run(() -> account.deposit(1)); // the attempt will conflict
 *         account.set(b + 1);
 *     });
 * }
 * }</pre>
 *
 * <p>As a static helper: {@link #runFresh(String, Body)} runs a test body on a fresh platform
 * thread (a clean thread-local transaction, its own interrupt flag and stack depth) and rethrows
 * what it threw; a thread still running after {@link Stress#timeout()} fails the call with the
 * stuck thread's stack.
 */
public final class OtherThread implements AutoCloseable {
    /** A body that may throw anything. */
    public interface Body {
        void run() throws Throwable;
    }

    private final String name;
    private final Duration timeout;
    private final AtomicReference<Thread> thread = new AtomicReference<>();
    private final ExecutorService executor;

    /** The other thread, named {@code stm4j-other-thread}, waited for at most {@link Stress#timeout()}. */
    public OtherThread() {
        this("stm4j-other-thread", Stress.timeout());
    }

    /**
     * @param name the other thread's name
     * @param timeout how long {@link #run} waits for one action before it fails
     */
    public OtherThread(String name, Duration timeout) {
        this.name = name;
        this.timeout = timeout;
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            thread.set(t);
            return t;
        });
    }

    /**
     * Runs {@code action} on the other thread and waits until it has ended, without being
     * interruptible: if the caller is interrupted meanwhile (or was already), it keeps waiting and
     * its interrupt flag is set again before this returns or throws.
     *
     * @throws AssertionError if the action threw (the cause), or did not end within the timeout
     *     (with the other thread's stack)
     */
    public void run(Runnable action) {
        Future<?> f = executor.submit(action);
        boolean interrupted = Thread.interrupted();
        try {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                try {
                    f.get(Math.max(0L, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    return;
                } catch (InterruptedException e) {
                    interrupted = true; // kept for the caller, below
                } catch (ExecutionException e) {
                    throw new AssertionError("the action on " + name + " failed", e.getCause());
                } catch (TimeoutException e) {
                    Thread t = thread.get();
                    AssertionError stuck = new AssertionError(
                            "the action on " + name + " still running after " + timeout.toSeconds() + " s"
                                    + (t == null ? "" : " (" + t.getState() + "; its stack is this error's)"));
                    if (t != null) {
                        stuck.setStackTrace(t.getStackTrace());
                    }
                    f.cancel(true);
                    throw stuck;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Stops the other thread (interrupting an action still running) and waits up to 10 s for it;
     * keeps the caller's interrupt flag.
     *
     * @throws AssertionError if it did not stop
     */
    @Override
    public void close() {
        executor.shutdownNow();
        boolean interrupted = false;
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (true) {
                try {
                    if (!executor.awaitTermination(Math.max(0L, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                        throw new AssertionError(name + " did not stop");
                    }
                    return;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Runs {@code body} on a new platform thread named {@code name} and waits for it; a thread
     * still running after {@link Stress#timeout()} is interrupted, joined (up to 10 s) and reported
     * with its stack.
     *
     * @throws Throwable what {@code body} threw, unchanged
     * @throws AssertionError if the thread did not end in time
     */
    public static void runFresh(String name, Body body) throws Throwable {
        runFresh(name, Stress.timeout(), body);
    }

    /** As {@link #runFresh(String, Body)}, with another deadline than {@link Stress#timeout()}. */
    public static void runFresh(String name, Duration timeout, Body body) throws Throwable {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = ThreadKind.PLATFORM.newThread(name, () -> {
            try {
                body.run();
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        t.start();
        TimeUnit.NANOSECONDS.timedJoin(t, timeout.toNanos());
        if (t.isAlive()) {
            StackTraceElement[] stack = t.getStackTrace();
            t.interrupt();
            t.join(10_000);
            AssertionError e = new AssertionError(name + " still running after " + timeout.toSeconds() + " s"
                    + (t.isAlive() ? ", and after an interrupt" : " (interrupted and joined)") + "; its stack is this error's");
            e.setStackTrace(stack);
            throw e;
        }
        if (failure.get() != null) {
            throw failure.get();
        }
    }
}
