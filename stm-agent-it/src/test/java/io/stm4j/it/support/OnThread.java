package io.stm4j.it.support;

import java.util.concurrent.atomic.AtomicReference;

/** Runs a test body on a fresh platform thread, bounded in time, and rethrows what it threw. */
public final class OnThread {
    /** A body that may throw anything. */
    public interface Body {
        void run() throws Throwable;
    }

    private OnThread() {
    }

    /**
     * Runs {@code body} on a new thread named {@code name} and waits for it; a thread still running
     * after {@link Stress#timeout()} is interrupted, joined and reported with its stack.
     */
    public static void run(String name, Body body) throws Throwable {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = ThreadKind.PLATFORM.newThread(name, () -> {
            try {
                body.run();
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        t.start();
        t.join(Stress.timeout().toMillis());
        if (t.isAlive()) {
            StackTraceElement[] stack = t.getStackTrace();
            t.interrupt();
            t.join(10_000);
            AssertionError e = new AssertionError(name + " still running after " + Stress.timeout().toSeconds() + " s");
            e.setStackTrace(stack);
            throw e;
        }
        if (failure.get() != null) {
            throw failure.get();
        }
    }
}
