package io.stm4j.guice;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** Runs an action on another thread and waits for it: forces a conflict deterministically. */
final class Interferer implements AutoCloseable {
    private final ExecutorService other = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "stm4j-guice-interferer");
        t.setDaemon(true);
        return t;
    });

    void run(Runnable r) {
        try {
            other.submit(r).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        other.shutdownNow();
        if (!other.awaitTermination(10, TimeUnit.SECONDS)) {
            throw new AssertionError("interferer did not stop");
        }
    }
}
