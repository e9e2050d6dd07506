package io.stm4j.bench;

import io.stm4j.Atomic;
import io.stm4j.Shared;
import io.stm4j.Stm;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.ObjLongConsumer;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import org.multiverse.api.StmUtils;
import org.multiverse.api.callables.TxnVoidCallable;
import org.multiverse.api.references.TxnLong;

/**
 * What one transactional {@code long} costs in heap: a million objects, each holding one such
 * value, measured after construction, after one committed write to each, and after ten (heap used
 * after full collections, minus the heap used before the objects and their array existed, divided
 * by the number of objects; the array's reference to each object is included, so a plain object
 * with a {@code long} field costs 24 + 4 bytes with compressed references).
 *
 * <p>Each engine is measured in a JVM of its own, the same flags for all ({@code -Xms = -Xmx},
 * the serial collector, so that {@link System#gc()} is a full, compacting collection); stm4j's
 * JVM runs with the agent, as users run it. No other thread runs while the figures are taken:
 * what this measures is what an engine keeps when no reader needs any history.
 *
 * <pre>
 *   java -cp benchmarks/target/benchmarks.jar io.stm4j.bench.MemoryFootprint \
 *        --agent stm-agent/target/stm-agent-&lt;version&gt;.jar [--objects N] [--repeat R]
 * </pre>
 *
 * prints a Markdown table (bytes per object, the median of {@code --repeat} JVMs, 3 by default,
 * and the ratio to plain Java after ten writes).
 * {@code benchmarks/run.sh} runs it after the JMH workloads and adds the table to its results.
 * The exit status is non-zero when a child JVM fails or a value read back is not the one written.
 */
public final class MemoryFootprint {
    /** The engines, in the table's order. */
    static final List<String> ENGINES = List.of("plain", "stm4j-agent", "scalastm", "multiverse", "clojure");
    static final int WRITES = 10;
    private static final String ONE = "--one";

    private MemoryFootprint() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals(ONE)) {
            measureHere(args[1], Integer.parseInt(args[2]));
            return;
        }
        String agent = null;
        int objects = 1_000_000;
        int repeat = 3;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--agent" -> agent = value(args, ++i, "--agent");
                case "--objects" -> objects = Integer.parseInt(value(args, ++i, "--objects"));
                case "--repeat" -> repeat = Integer.parseInt(value(args, ++i, "--repeat"));
                default -> throw new IllegalArgumentException("unknown argument '" + args[i]
                        + "'; usage: MemoryFootprint --agent <stm-agent jar> [--objects N] [--repeat R]");
            }
        }
        if (agent == null || !new File(agent).isFile()) {
            throw new IllegalArgumentException("--agent must name the stm-agent jar, got " + agent);
        }
        if (objects < 1_000) {
            throw new IllegalArgumentException("--objects must be at least 1000 to mean anything, got " + objects);
        }
        if (repeat < 1) {
            throw new IllegalArgumentException("--repeat must be at least 1, got " + repeat);
        }
        Map<String, double[]> rows = new LinkedHashMap<>();
        for (String engine : ENGINES) {
            List<double[]> runs = new ArrayList<>();
            for (int r = 0; r < repeat; r++) {
                runs.add(inChild(engine, objects, agent));
            }
            rows.put(engine, median(runs));
        }
        System.out.println(table(rows, objects, repeat));
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    /** Runs {@code engine} in a JVM of its own and parses its one result line. */
    private static double[] inChild(String engine, int objects, String agent) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        // Big enough that no collection but ours runs during the writes (three figures, each
        // after System.gc()), and fixed, so that the heap's own growth is no part of the figure.
        cmd.add("-Xms3g");
        cmd.add("-Xmx3g");
        cmd.add("-XX:+UseSerialGC");
        if (engine.startsWith("stm4j")) {
            cmd.add("-javaagent:" + agent);
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(MemoryFootprint.class.getName());
        cmd.add(ONE);
        cmd.add(engine);
        cmd.add(Integer.toString(objects));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        List<String> out = new ArrayList<>();
        try (var r = p.inputReader()) {
            for (String line; (line = r.readLine()) != null; ) {
                out.add(line);
            }
        }
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException(engine + ": the child JVM did not finish in 10 minutes");
        }
        String result = out.stream().filter(l -> l.startsWith("result ")).findFirst().orElse(null);
        if (p.exitValue() != 0 || result == null) {
            throw new IllegalStateException(engine + ": the child JVM failed (exit " + p.exitValue() + "):\n"
                    + String.join("\n", out));
        }
        String[] f = result.split(" ");
        return new double[] {Double.parseDouble(f[1]), Double.parseDouble(f[2]), Double.parseDouble(f[3])};
    }

    /** Column by column, the median of the runs (an occasional run is off by a collector's whim). */
    static double[] median(List<double[]> runs) {
        double[] m = new double[runs.get(0).length];
        for (int c = 0; c < m.length; c++) {
            final int col = c;
            double[] column = runs.stream().mapToDouble(r -> r[col]).sorted().toArray();
            m[c] = column[column.length / 2];
        }
        return m;
    }

    static String table(Map<String, double[]> rows, int objects, int repeat) {
        double plain = rows.get("plain")[2];
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "heap per object holding one transactional long (%,d objects; bytes, "
                + "median of %d JVMs per engine):%n%n", objects, repeat));
        b.append("| engine | created | after 1 write | after ").append(WRITES).append(" writes | vs plain |\n");
        b.append("| --- | --: | --: | --: | --: |\n");
        rows.forEach((engine, r) -> b.append(String.format(Locale.ROOT, "| %s | %.0f | %.0f | %.0f | %.1fx |%n",
                engine, r[0], r[1], r[2], r[2] / plain)));
        return b.toString();
    }

    // ---------------------------------------------------------------------------- in the child JVM

    /**
     * One engine's objects, each made by {@code make}, written by {@code write} (one committed
     * transaction per write) and read back by {@code read}.
     */
    static final class Subject<H> {
        private final Supplier<H> make;
        private final ObjLongConsumer<H> write;
        private final ToLongFunction<H> read;
        private Object[] objects;

        Subject(Supplier<H> make, ObjLongConsumer<H> write, ToLongFunction<H> read) {
            this.make = make;
            this.write = write;
            this.read = read;
        }

        void create(int n) {
            objects = new Object[n];
            for (int i = 0; i < n; i++) {
                objects[i] = make.get();
            }
        }

        @SuppressWarnings("unchecked")
        void write(int i, long v) {
            write.accept((H) objects[i], v);
        }

        @SuppressWarnings("unchecked")
        long read(int i) {
            return read.applyAsLong((H) objects[i]);
        }
    }

    private static void measureHere(String engine, int n) {
        Subject<?> s = subject(engine);
        double base = usedAfterGc();
        s.create(n);
        double created = usedAfterGc();
        double[] after = new double[WRITES + 1];
        for (int w = 1; w <= WRITES; w++) {
            for (int i = 0; i < n; i++) {
                // Values outside the boxing caches: a boxed engine pays for its boxes, as it does in use.
                s.write(i, 1_000_000L * w + i);
            }
            if (w == 1 || w == WRITES) {
                after[w] = usedAfterGc();
            }
        }
        for (int i = 0; i < n; i++) {
            long expected = 1_000_000L * WRITES + i;
            if (s.read(i) != expected) {
                throw new IllegalStateException(engine + ": object " + i + " reads " + s.read(i) + ", not " + expected);
            }
        }
        System.out.printf(Locale.ROOT, "result %.2f %.2f %.2f%n",
                (created - base) / n, (after[1] - base) / n, (after[WRITES] - base) / n);
        // Keeps the subject (and so its objects) reachable until every figure is taken.
        if (s.read(0) == Long.MIN_VALUE) {
            System.out.println(s);
        }
    }

    /** Heap used after collections that free nothing more (at most 10). */
    private static double usedAfterGc() {
        var heap = ManagementFactory.getMemoryMXBean();
        long last = Long.MAX_VALUE;
        for (int i = 0; i < 10; i++) {
            System.gc();
            long used = heap.getHeapMemoryUsage().getUsed();
            if (used >= last) {
                return used;
            }
            last = used;
        }
        return last;
    }

    static Subject<?> subject(String engine) {
        return switch (engine) {
            case "plain" -> new Subject<>(PlainHolder::new, (h, v) -> h.value = v, h -> h.value);
            case "stm4j-agent" -> {
                AnnotatedBank.requireAgent("stm4j-agent");
                yield new Subject<>(SharedHolder::new, SharedHolder::set, h -> Stm.atomic(() -> h.value));
            }
            case "scalastm" -> new Subject<>(ScalaStmHolder::new,
                    (h, v) -> scala.concurrent.stm.japi.STM.atomic(() -> h.value.single().set(v)),
                    h -> (Long) h.value.single().get());
            case "multiverse" -> new Subject<>(MultiverseHolder::new,
                    (h, v) -> StmUtils.atomic((TxnVoidCallable) tx -> h.value.set(tx, v)), h -> h.value.atomicGet());
            case "clojure" -> new Subject<>(ClojureHolder::new, (h, v) -> dosync(() -> h.value.set(v)),
                    h -> (Long) h.value.deref());
            default -> throw new IllegalArgumentException("unknown engine '" + engine + "'; one of " + ENGINES);
        };
    }

    /** A plain object with a plain field, written under no synchronisation at all: the floor. */
    static final class PlainHolder {
        long value;
    }

    /** stm4j as users write it: a {@code @Shared long} written by an {@code @Atomic} method. */
    static final class SharedHolder {
        @Shared long value;

        @Atomic
        void set(long v) {
            value = v;
        }
    }

    /** ScalaSTM 0.11: a {@code Ref<Long>} made by the specialised {@code Ref.apply(long)}. */
    static final class ScalaStmHolder {
        final scala.concurrent.stm.Ref<Object> value = scala.concurrent.stm.Ref$.MODULE$.apply(0L);
    }

    /** Multiverse 0.7: a {@link TxnLong}. */
    static final class MultiverseHolder {
        final TxnLong value = StmUtils.newTxnLong(0L);
    }

    /** Clojure 1.12: a {@code Ref}, written with {@code ref-set} in a {@code dosync}. */
    static final class ClojureHolder {
        final clojure.lang.Ref value = new clojure.lang.Ref(0L);
    }

    private static void dosync(Callable<Object> body) {
        try {
            clojure.lang.LockingTransaction.runInTransaction(body);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
