package io.stm4j.internal;

import io.stm4j.Stm;
import io.stm4j.Store;
import io.stm4j.Value;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** Makes a transaction conflict on purpose: commits to a key from another thread, and waits for it. */
final class Conflicts implements AutoCloseable {
    private final ExecutorService other = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "stm4j-test-interferer");
        t.setDaemon(true);
        return t;
    });

    /** Increments {@code key} (an Integer, null counting as 0) in a transaction on the other thread. */
    void bump(Store s, String key) {
        try {
            other.submit(() -> Stm.atomic(() -> {
                Value<Integer> v = s.useVar(key);
                v.set(v.get() == null ? 1 : v.get() + 1);
                v.commit();
            })).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Runs {@code r} on the other thread and waits for it. */
    void onOtherThread(Runnable r) {
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
            throw new AssertionError("interferer thread did not stop");
        }
    }
}
