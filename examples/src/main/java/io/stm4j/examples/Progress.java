package io.stm4j.examples;

import java.io.PrintStream;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** Prints a progress line once a second while a phase runs; a phase shorter than a second prints none. */
final class Progress implements AutoCloseable {
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "progress");
        t.setDaemon(true);
        return t;
    });

    private final PrintStream out;
    private volatile boolean printed;

    private Progress(PrintStream out, String label, Supplier<String> status) {
        this.out = out;
        long start = System.nanoTime();
        timer.scheduleAtFixedRate(() -> {
            long seconds = Math.round((System.nanoTime() - start) / 1e9);
            out.printf("  [%s %3ds] %s%n", label, seconds, status.get());
            printed = true;
        }, 1, 1, TimeUnit.SECONDS);
    }

    /**
     * @param out where to print
     * @param label the phase, printed on every line
     * @param status what to say each second
     * @return the running progress; close it when the phase ends
     */
    static Progress everySecond(PrintStream out, String label, Supplier<String> status) {
        return new Progress(out, label, status);
    }

    /** A 20-character bar: {@code [#########...........]  45%}. */
    static String bar(long done, long total) {
        int percent = total == 0 ? 100 : (int) Math.min(100, done * 100 / total);
        int filled = percent / 5;
        return "[" + "#".repeat(filled) + ".".repeat(20 - filled) + "] " + String.format("%3d%%", percent);
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (printed) {
            out.println();
        }
    }
}
