package io.stm4j.examples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Another JVM running a main class of this class path, started as this JVM was: the same
 * {@code java}, the same class path and the same {@code -javaagent} options (none when the classes
 * are woven and no agent is attached). Its standard output and error are handed, line by line, to
 * a consumer as they come; the lines are kept for {@link #lastLine}. It is killed by its PID when it
 * outlives {@link #await}'s timeout, when it is closed while still running, and when this JVM
 * shuts down first (Ctrl-C): a child is never left behind.
 */
final class ChildJvm implements AutoCloseable {
    private final Process process;
    private final Thread pump;
    private final Thread killOnShutdown;
    private final List<String> lines = new ArrayList<>();

    private ChildJvm(Process process, String label, Consumer<String> out) {
        this.process = process;
        this.pump = new Thread(() -> pump(out), label + " output");
        this.pump.setDaemon(true);
        this.pump.start();
        this.killOnShutdown = new Thread(process::destroyForcibly, label + " killer");
        Runtime.getRuntime().addShutdownHook(killOnShutdown);
    }

    /**
     * Starts {@code main} in a new JVM.
     *
     * @param label names the child's threads
     * @param main the class whose {@code main} runs
     * @param args its arguments
     * @param out gets each line the child prints (standard output and error merged)
     * @return the running child
     * @throws IOException if the JVM cannot be started
     */
    static ChildJvm start(String label, Class<?> main, List<String> args, Consumer<String> out) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // the agent as this JVM has it: run-demo.sh and failsafe attach it, the woven execution does not
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("-javaagent:"))
                .forEach(command::add);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        command.addAll(args);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        return new ChildJvm(p, label, out);
    }

    private void pump(Consumer<String> out) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                synchronized (lines) {
                    lines.add(line);
                }
                out.accept(line);
            }
        } catch (IOException e) {
            // the child was killed while it wrote: what it printed so far is kept, and await() reports its status
            out.accept("(the output of pid " + process.pid() + " broke off: " + e + ")");
        }
    }

    /** @return the child's process id */
    long pid() {
        return process.pid();
    }

    /**
     * Waits for the child to end, and for the last of its output.
     *
     * @param timeout how long it may still run; after that it is killed (by its PID)
     * @return its exit status, or empty if it had to be killed
     * @throws InterruptedException if this thread is interrupted while waiting (the child is then killed by close())
     */
    Optional<Integer> await(Duration timeout) throws InterruptedException {
        boolean ended = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (!ended) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        pump.join(TimeUnit.SECONDS.toMillis(10)); // the pipe closes when the child has ended
        return ended ? Optional.of(process.exitValue()) : Optional.empty();
    }

    /**
     * @param prefix what the line starts with
     * @return the last line the child printed that starts with {@code prefix}
     */
    Optional<String> lastLine(String prefix) {
        synchronized (lines) {
            for (int i = lines.size() - 1; i >= 0; i--) {
                if (lines.get(i).startsWith(prefix)) {
                    return Optional.of(lines.get(i));
                }
            }
        }
        return Optional.empty();
    }

    /** Kills the child if it still runs, and waits (bounded) until it and its output have ended. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
        process.waitFor(10, TimeUnit.SECONDS);
        pump.join(TimeUnit.SECONDS.toMillis(10));
        Runtime.getRuntime().removeShutdownHook(killOnShutdown);
    }
}
