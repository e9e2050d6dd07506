package io.stm4j.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs test workers on threads of one {@link ThreadKind}, started together by a latch, bounded in
 * time and always joined. A worker that throws fails the run (its throwable is the cause); a run
 * still going at the deadline fails with every late thread's stack, after the threads have been
 * interrupted and joined.
 *
 * <pre>{@code
 * Workers.of(kind, "lost-updates").add(4, i -> counter.increment()).run();
 * }</pre>
 */
public final class Workers {
    /** A worker's body; {@code index} numbers the workers of a run from 0. */
    public interface Body {
        void run(int index) throws Throwable;
    }

    private final ThreadKind kind;
    private final String name;
    private Duration timeout = Stress.timeout();
    private final List<Body> bodies = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    private volatile boolean failed;

    private Workers(ThreadKind kind, String name) {
        this.kind = kind;
        this.name = name;
    }

    /** @return an empty run @param kind the threads to use @param name for thread names and messages */
    public static Workers of(ThreadKind kind, String name) {
        return new Workers(kind, name);
    }

    /** @return this, with {@code n} workers running {@code body} */
    public Workers add(int n, Body body) {
        for (int i = 0; i < n; i++) {
            bodies.add(body);
        }
        return this;
    }

    /** @return this, with another deadline than {@link Stress#timeout()} */
    public Workers timeout(Duration d) {
        this.timeout = d;
        return this;
    }

    /**
     * @return whether the run should stop: a worker has failed, or the deadline has passed. Loops
     *     that run until some other worker says so must check it, so that a failed run ends.
     */
    public boolean failed() {
        return failed;
    }

    /** @return the threads, once {@link #run()} has created them (for interrupting them) */
    public List<Thread> threads() {
        return threads;
    }

    /** Runs the workers and waits for all of them; throws AssertionError on failure or timeout. */
    public void run() throws InterruptedException {
        CountDownLatch start = new CountDownLatch(1);
        for (int i = 0; i < bodies.size(); i++) {
            int index = i;
            Body b = bodies.get(i);
            Thread t = kind.newThread(name + "-" + i, () -> {
                try {
                    start.await();
                    b.run(index);
                } catch (Throwable e) {
                    failed = true;
                    failures.add(e);
                }
            });
            threads.add(t);
        }
        for (Thread t : threads) {
            t.start();
        }
        start.countDown();
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Thread> late = new ArrayList<>();
        for (Thread t : threads) {
            long left = deadline - System.nanoTime();
            if (left > 0) {
                TimeUnit.NANOSECONDS.timedJoin(t, left);
            }
            if (t.isAlive()) {
                late.add(t);
            }
        }
        if (!late.isEmpty()) {
            failed = true; // loops that check failed() end
            StringBuilder dump = new StringBuilder();
            for (Thread t : late) {
                dump.append("\n\"").append(t.getName()).append("\" ").append(t.getState());
                for (StackTraceElement e : t.getStackTrace()) {
                    dump.append("\n    at ").append(e);
                }
            }
            for (Thread t : threads) {
                t.interrupt();
            }
            List<String> stuck = new ArrayList<>();
            for (Thread t : threads) {
                t.join(10_000);
                if (t.isAlive()) {
                    stuck.add(t.getName());
                }
            }
            AssertionError e = new AssertionError(name + ": " + late.size() + " of " + threads.size()
                    + " workers still running after " + timeout.toSeconds() + " s"
                    + (stuck.isEmpty() ? " (interrupted and joined)" : "; still alive after interrupt: " + stuck)
                    + dump);
            failures.forEach(e::addSuppressed);
            throw e;
        }
        if (!failures.isEmpty()) {
            AssertionError e = new AssertionError(name + ": " + failures.size() + " worker(s) failed", failures.peek());
            failures.stream().skip(1).limit(10).forEach(e::addSuppressed);
            throw e;
        }
    }
}
