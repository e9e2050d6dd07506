package io.stm4j.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/** Runs test workers on their own threads, started together, bounded in time, always joined. */
final class Concurrently {
    /** Multiplier for loop counts: 1 in the default suite, larger under {@code -Pstress}. */
    static final int SCALE = Integer.getInteger("stm4j.stress.scale", 1);

    interface Worker {
        void run(int index) throws Exception;
    }

    private Concurrently() {
    }

    /**
     * Runs {@code workers[i]} on thread i; fails if any throws or if they are not all done within
     * {@code timeoutSeconds} (then they are interrupted and joined).
     */
    static void run(long timeoutSeconds, Worker... workers) throws InterruptedException {
        CountDownLatch start = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < workers.length; i++) {
            int index = i;
            Worker w = workers[i];
            Thread t = new Thread(() -> {
                try {
                    start.await();
                    w.run(index);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "stm4j-test-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        start.countDown();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        boolean late = false;
        for (Thread t : threads) {
            long left = deadline - System.nanoTime();
            if (left > 0) {
                TimeUnit.NANOSECONDS.timedJoin(t, left);
            }
            if (t.isAlive()) {
                late = true;
            }
        }
        if (late) {
            for (Thread t : threads) {
                t.interrupt();
            }
            for (Thread t : threads) {
                t.join(5_000);
            }
            throw new AssertionError("workers still running after " + timeoutSeconds + " s");
        }
        if (failure.get() != null) {
            throw new AssertionError("a worker failed", failure.get());
        }
    }

    /** The same worker on {@code n} threads. */
    static void run(long timeoutSeconds, int n, Worker w) throws InterruptedException {
        Worker[] ws = new Worker[n];
        java.util.Arrays.fill(ws, w);
        run(timeoutSeconds, ws);
    }
}
