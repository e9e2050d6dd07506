package io.stm4j.it.collections;

import static org.assertj.core.api.Assertions.assertThat;

import io.stm4j.collections.TxQueue;
import io.stm4j.testkit.Stress;
import io.stm4j.testkit.ThreadKind;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One thread of a given kind that runs a body expected to block, so that a test can wait until it
 * is parked (not a sleep: the thread's own state), act, and join it, bounded in time.
 */
final class Waiter<T> {
    private final Thread thread;
    private final AtomicReference<T> result = new AtomicReference<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    private Waiter(ThreadKind kind, String name, InTx.Body<T> body) {
        thread = kind.newThread(name, () -> {
            try {
                result.set(body.run());
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        thread.start();
    }

    static <T> Waiter<T> start(ThreadKind kind, String name, InTx.Body<T> body) {
        return new Waiter<>(kind, name, body);
    }

    /**
     * Waits until the body has made at least one attempt ({@code attempts}, which it increments)
     * and the thread is parked (WAITING or TIMED_WAITING), at most a minute.
     */
    void awaitParked(AtomicLong attempts) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (attempts.get() < 1
                || (thread.getState() != Thread.State.WAITING && thread.getState() != Thread.State.TIMED_WAITING)) {
            assertThat(thread.isAlive()).as("%s ended before blocking (failure: %s)", thread.getName(), failure.get()).isTrue();
            assertThat(System.nanoTime() - deadline).as("%s never parked", thread.getName()).isNegative();
            ThreadKind.pause();
        }
    }

    /**
     * Joins the thread, at most {@link Stress#timeout()}; a thread still running then is
     * interrupted, joined and reported.
     *
     * @return what the body returned
     * @throws Exception what the body threw
     */
    T join() throws Exception {
        thread.join(Stress.timeout().toMillis());
        if (thread.isAlive()) {
            StackTraceElement[] stack = thread.getStackTrace();
            thread.interrupt();
            thread.join(10_000);
            AssertionError e = new AssertionError(thread.getName() + " still blocked after " + Stress.timeout().toSeconds()
                    + " s (its stack is this error's)");
            e.setStackTrace(stack);
            throw e;
        }
        Throwable f = failure.get();
        if (f instanceof Exception) {
            throw (Exception) f;
        }
        if (f != null) {
            throw (Error) f;
        }
        return result.get();
    }

    /** {@code q.take()} where a {@code Supplier} is needed; an interruption is rethrown unchanged. */
    static <E> E take(TxQueue<E> q) {
        try {
            return q.take();
        } catch (InterruptedException e) {
            throw InTx.<RuntimeException>sneaky(e);
        }
    }

    /** {@code q.poll(timeout)} where a {@code Supplier} is needed; an interruption is rethrown unchanged. */
    static <E> E poll(TxQueue<E> q, long millis) {
        try {
            return q.poll(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            throw InTx.<RuntimeException>sneaky(e);
        }
    }
}
