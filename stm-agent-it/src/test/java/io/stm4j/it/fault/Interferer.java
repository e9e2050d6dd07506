package io.stm4j.it.fault;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Runs an action on another thread and waits for it without being interruptible
 * ({@link CompletableFuture#join()} keeps the caller's interrupt flag for later), so that a body
 * whose thread is interrupted can still force conflicts deterministically.
 */
final class Interferer implements AutoCloseable {
    private final ExecutorService other = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "stm4j-fault-interferer");
        t.setDaemon(true);
        return t;
    });

    void run(Runnable r) {
        CompletableFuture.runAsync(r, other).join();
    }

    @Override
    public void close() {
        other.shutdownNow();
        try {
            if (!other.awaitTermination(10, TimeUnit.SECONDS)) {
                throw new AssertionError("interferer did not stop");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while stopping the interferer", e);
        }
    }
}
