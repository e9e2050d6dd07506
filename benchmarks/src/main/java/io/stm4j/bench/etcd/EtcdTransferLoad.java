package io.stm4j.bench.etcd;

import io.stm4j.Changeset;
import io.stm4j.Stm;
import io.stm4j.Value;
import io.stm4j.etcd.EtcdStore;
import io.stm4j.etcd.ValueCodec;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Load program: 2-key transfers through {@link EtcdStore} inside {@link Stm#atomic(Runnable)}
 * against the same etcd transactions sent by hand ({@link RawGateway}), at several numbers of
 * concurrent clients; latency percentiles, throughput and re-runs, and the ratio of the two.
 *
 * <p><b>What it measures.</b> N accounts ({@code acct/000} ..., 1000 by default) of value 1000
 * ({@code Long}) in one namespace, written before the runs. A transfer moves 1 to 10 between two
 * distinct random accounts (few conflicts). Modes:
 * <ul>
 *   <li>{@code stm4j}: {@code Stm.atomic(() -> { Changeset c = store.using(a, b); ...set both...; c.commit(); })}
 *       on one {@code EtcdStore} shared by all clients;</li>
 *   <li>{@code raw}: what stm4j sends, by hand on one shared JDK {@code HttpClient} and Jackson:
 *       one etcd txn of two linearizable reads, then one txn comparing both keys' {@code mod_revision}
 *       and a create-only marker key, putting both keys and the marker (with a lease granted once and
 *       again every 30 s), reading both keys back on failure, from which a refused transfer
 *       starts again;</li>
 *   <li>{@code raw-nomarker}: the same without the marker compare and put (no lease): what the
 *       commit marker costs etcd.</li>
 * </ul>
 * Values are written in {@code ValueCodec.json()}'s format in every mode (checked at start), so
 * the payloads are the same size. First every mode runs once, unmeasured, at the most clients (the
 * JVM's warm-up: the HTTP client's code is compiled for all modes alike); then every (mode, clients)
 * run warms up (3 s), then measures (10 s):
 * the latency of every transfer that starts in the window, from the call to its return (re-runs
 * included), throughput = those transfers / window, re-runs (stm4j: body runs - 1; raw: refused
 * commits), and this JVM's CPU time per transfer in the window (every thread: clients, the HTTP
 * client's, GC, JIT): the client's own cost, steadier than latency on a machine whose cores it
 * shares with the cluster. Also per mode: where a transfer's time goes (the read request, the rest
 * of the body, the commit request with the engine around it), and the CPU time its client thread uses
 * and the bytes it allocates (the client's own work, without the HTTP client's threads that every mode
 * shares). Modes are interleaved within each repetition, in an order that turns every repetition,
 * so that drift of a noisy machine shows in the repetitions; the summary gives medians over them, and
 * the ratios stm4j/raw of p50, p99 and throughput per repetition and their median, against the target
 * of at most 30% added latency.
 *
 * <p>After every run: the invariant (every account present, no other key, the total unchanged, read
 * with {@code export()}); a broken one fails the program with exit status 1. Then housekeeping
 * outside the measurement: every lease of the cluster is revoked (deleting all commit markers, so
 * that one run's markers do not expire in the middle of another's) and the history compacted. So
 * the cluster must be one of its own.
 *
 * <p>Not JMH: a JMH benchmark measures one operation in a loop per thread and reports a score per
 * iteration; this needs every transfer's latency across all clients together (p50/p99 of the whole
 * window), runs of different client counts against one external cluster with housekeeping and an
 * invariant check between them, and modes interleaved in one JVM so that the ratio is taken between
 * neighbouring runs.
 *
 * <p><b>Run</b> it through {@code benchmarks/etcd-bench.sh} (starts a local 3-member cluster, stops
 * it after), or by hand against a running cluster:
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.stm4j.bench.etcd.EtcdTransferLoad \
 *     --endpoints http://127.0.0.1:2379,http://127.0.0.1:22379,http://127.0.0.1:32379
 * </pre>
 * Options: {@code --modes raw,stm4j,raw-nomarker} {@code --clients 1,4,16} {@code --accounts 1000}
 * {@code --namespace bench-etcd} {@code --warmup 3} {@code --measure 10} (seconds) {@code --repeats 3}
 * {@code --csv FILE} (every run's figures) {@code --smoke} (each mode about 1 s at 1 and 4 clients,
 * one repetition: a check, not a measurement). Exit status: 0, 1 when an invariant broke or a
 * transfer failed, 64 for a bad option.
 */
public final class EtcdTransferLoad {
    static final List<String> MODES = List.of("raw", "stm4j", "raw-nomarker");
    private static final long INITIAL = 1000L;
    private static final String BASELINE = "raw";
    private static final String STM4J = "stm4j";
    /** How long past the end of its window a run may take to finish before it counts as hung. */
    private static final long GRACE_NANOS = TimeUnit.SECONDS.toNanos(30);
    /** For the bytes a client thread allocates, and the CPU time it uses, per transfer (HotSpot's MXBean). */
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private final List<String> endpoints;
    private final List<String> modes;
    private final List<Integer> clientCounts;
    private final int accounts;
    private final String namespace;
    private final double warmupSeconds;
    private final double measureSeconds;
    private final int repeats;
    private final Path csv;
    private final PrintStream out = System.out;
    private final String[] keys;

    /** One way of making a transfer; thread-safe. */
    private interface Transfer {
        /**
         * @param phases adds the ns spent reading (the read request, decoding included) to {@code [0]}
         *     and in the rest of the body before the commit request (stm4j: staging, which encodes) to {@code [1]}
         * @return how many times it had to start again
         */
        long transfer(String from, String to, long amount, long[] phases);
    }

    private EtcdTransferLoad(Map<String, String> o) {
        boolean smoke = o.containsKey("smoke");
        this.endpoints = List.of(require(o, "endpoints").split(","));
        this.modes = List.of(o.getOrDefault("modes", String.join(",", MODES)).split(","));
        for (String m : modes) {
            if (!MODES.contains(m)) {
                throw new IllegalArgumentException("unknown mode '" + m + "'; modes: " + MODES);
            }
        }
        List<Integer> c = new ArrayList<>();
        for (String s : o.getOrDefault("clients", smoke ? "1,4" : "1,4,16").split(",")) {
            c.add(positive("clients", s));
        }
        this.clientCounts = List.copyOf(c);
        this.accounts = positive("accounts", o.getOrDefault("accounts", "1000"));
        if (accounts < 2) {
            throw new IllegalArgumentException("--accounts: at least 2");
        }
        this.namespace = o.getOrDefault("namespace", "bench-etcd");
        this.warmupSeconds = Double.parseDouble(o.getOrDefault("warmup", smoke ? "0.3" : "3"));
        this.measureSeconds = Double.parseDouble(o.getOrDefault("measure", smoke ? "1" : "10"));
        if (!(warmupSeconds >= 0) || !(measureSeconds > 0)) {
            throw new IllegalArgumentException("--warmup must be >= 0 and --measure > 0 (seconds)");
        }
        this.repeats = positive("repeats", o.getOrDefault("repeats", smoke ? "1" : "3"));
        this.csv = o.containsKey("csv") ? Path.of(o.get("csv")) : null;
        int width = Math.max(3, Integer.toString(accounts - 1).length());
        this.keys = new String[accounts];
        for (int i = 0; i < accounts; i++) {
            keys[i] = String.format(Locale.ROOT, "acct/%0" + width + "d", i);
        }
    }

    /**
     * @param args see the class comment
     * @throws Exception when the cluster cannot be reached or a file cannot be written
     */
    public static void main(String[] args) throws Exception {
        EtcdTransferLoad load;
        try {
            load = new EtcdTransferLoad(options(args));
        } catch (IllegalArgumentException e) {
            System.err.println("EtcdTransferLoad: " + e.getMessage());
            System.err.println("usage: EtcdTransferLoad --endpoints URL[,URL...] [--modes " + String.join(",", MODES)
                    + "] [--clients 1,4,16] [--accounts N] [--namespace NS] [--warmup S] [--measure S] [--repeats R]"
                    + " [--csv FILE] [--smoke]");
            System.exit(64);
            return;
        }
        System.exit(load.run());
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + args[i] + "'");
            }
            String name = args[i].substring(2);
            if (name.equals("smoke")) {
                o.put(name, "");
            } else if (i + 1 < args.length) {
                o.put(name, args[++i]);
            } else {
                throw new IllegalArgumentException("--" + name + " needs a value");
            }
        }
        return o;
    }

    private static String require(Map<String, String> o, String name) {
        String v = o.get(name);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return v;
    }

    private static int positive(String name, String value) {
        int n;
        try {
            n = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + ": not a number: '" + value + "'", e);
        }
        if (n <= 0) {
            throw new IllegalArgumentException("--" + name + " must be positive, got " + n);
        }
        return n;
    }

    // ------------------------------------------------------------------ the runs

    private int run() throws IOException {
        for (long v : new long[] {0L, INITIAL, -7L, Long.MAX_VALUE}) {
            if (!Arrays.equals(RawGateway.encodeLong(v), ValueCodec.json().encode(v))) {
                out.println("FAILED: raw mode writes " + v + " as " + new String(RawGateway.encodeLong(v), StandardCharsets.UTF_8)
                        + " but ValueCodec.json() as " + new String(ValueCodec.json().encode(v), StandardCharsets.UTF_8));
                return 1;
            }
        }
        out.printf(Locale.ROOT, "etcd transfer load: %d accounts in namespace '%s', modes %s, clients %s, warm-up %.1f s,"
                + " measured %.1f s, %d repetition(s); cluster %s%n%n", accounts, namespace, modes, clientCounts,
                warmupSeconds, measureSeconds, repeats, endpoints);
        RawGateway raw = new RawGateway(endpoints.get(0));
        List<Run> runs = new ArrayList<>();
        try (EtcdStore store = EtcdStore.builder().endpoints(endpoints.toArray(new String[0])).namespace(namespace).build();
                EtcdStore admin = EtcdStore.builder().endpoints(endpoints.toArray(new String[0])).namespace(namespace).build()) {
            raw.revokeAllLeases();
            raw.deletePrefix(namespace + "/");
            writeAccounts(admin);
            String broken = check(admin);
            if (broken != null) {
                out.println("FAILED before the runs: " + broken);
                return 1;
            }
            Map<String, Transfer> transfers = new LinkedHashMap<>();
            transfers.put("raw", (a, b, amount, phases) -> rawTransfer(raw, a, b, amount, true, phases));
            transfers.put("raw-nomarker", (a, b, amount, phases) -> rawTransfer(raw, a, b, amount, false, phases));
            transfers.put(STM4J, (a, b, amount, phases) -> stm4jTransfer(store, a, b, amount, phases));
            // The first runs of a JVM pay for class loading and compiling the HTTP client's code, which both modes
            // share: every mode runs once at the most clients before anything is measured.
            int most = java.util.Collections.max(clientCounts);
            System.err.printf(Locale.ROOT, "  (JVM warm-up: each mode for %.1f s at %d clients, not reported)%n", warmupSeconds, most);
            for (String mode : modes) {
                if (runAndCheck(0, mode, most, transfers.get(mode), 0.0, Math.max(warmupSeconds, 0.1), admin, raw) == null) {
                    return 1;
                }
            }
            out.println("| rep | mode | clients | transfers/s | p50 ms | p99 ms | retries | client CPU µs/transfer |");
            out.println("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
            for (int rep = 1; rep <= repeats; rep++) {
                List<String> order = new ArrayList<>(modes);
                java.util.Collections.rotate(order, -(rep - 1));
                for (int clients : clientCounts) {
                    for (String mode : order) {
                        Run r = runAndCheck(rep, mode, clients, transfers.get(mode), warmupSeconds, measureSeconds, admin, raw);
                        if (r == null) {
                            return 1;
                        }
                        runs.add(r);
                        out.println(r.row());
                    }
                }
            }
        }
        out.println();
        out.print(summary(runs));
        if (csv != null) {
            List<String> lines = new ArrayList<>();
            lines.add(Run.CSV_HEADER);
            runs.forEach(r -> lines.add(r.csv()));
            Files.write(csv, lines, StandardCharsets.UTF_8);
        }
        out.println("invariants held after every run (" + accounts + " accounts, total " + accounts * INITIAL + ")");
        return 0;
    }

    /**
     * One run, then the invariant check and the housekeeping.
     *
     * @return the run, or null when it failed or broke the invariant (said on the output)
     */
    private Run runAndCheck(int rep, String mode, int clients, Transfer transfer, double warmup, double seconds,
            EtcdStore admin, RawGateway raw) {
        Run r;
        try {
            r = measure(rep, mode, clients, transfer, warmup, seconds);
        } catch (IllegalStateException e) {
            out.println("FAILED: " + mode + " at " + clients + " clients: " + e.getMessage());
            e.printStackTrace(System.err);
            return null;
        }
        String broken = check(admin);
        if (broken != null) {
            out.println("FAILED: after " + mode + " at " + clients + " clients: " + broken);
            return null;
        }
        long t0 = System.nanoTime();
        int leases = raw.revokeAllLeases();
        raw.compact();
        System.err.printf(Locale.ROOT, "  (housekeeping after the run: %d lease(s) revoked, history compacted, %.0f ms)%n",
                leases, (System.nanoTime() - t0) / 1e6);
        return r;
    }

    /** The accounts, each {@link #INITIAL}, in commits of 100 keys. */
    private void writeAccounts(EtcdStore admin) {
        for (int from = 0; from < accounts; from += 100) {
            Changeset c = admin.using(Arrays.copyOfRange(keys, from, Math.min(accounts, from + 100)));
            for (String k : c.keys()) {
                c.<Long>get(k).set(INITIAL);
            }
            c.commit();
        }
    }

    /** @return what is wrong with the accounts, or null when every one is there and the total is unchanged */
    private String check(EtcdStore admin) {
        Map<String, Object> all = admin.export();
        long total = 0L;
        for (String k : keys) {
            Object v = all.get(k);
            if (!(v instanceof Long)) {
                return "account " + k + " is " + (v == null ? "missing" : "not a Long: " + v);
            }
            total += (Long) v;
        }
        if (all.size() != accounts) {
            return (all.size() - accounts) + " key(s) in namespace '" + namespace + "' that are not accounts";
        }
        if (total != accounts * INITIAL) {
            return "the total is " + total + ", not " + accounts * INITIAL;
        }
        return null;
    }

    private static long stm4jTransfer(EtcdStore store, String from, String to, long amount, long[] phases) {
        int[] runs = {0};
        Stm.atomic(() -> {
            runs[0]++;
            long t0 = System.nanoTime();
            Changeset c = store.using(from, to);
            long t1 = System.nanoTime();
            Value<Long> a = c.get(from);
            Value<Long> b = c.get(to);
            long moved = Math.min(amount, balance(a));
            a.set(a.get() - moved);
            b.set(balance(b) + moved);
            c.commit();
            phases[0] += t1 - t0;
            phases[1] += System.nanoTime() - t1;
        });
        return runs[0] - 1L;
    }

    private static long balance(Value<Long> v) {
        Long n = v.get();
        if (n == null) {
            throw new IllegalStateException("account missing in etcd: " + v.key());
        }
        return n;
    }

    private static long rawTransfer(RawGateway raw, String from, String to, long amount, boolean marker, long[] phases) {
        long t0 = System.nanoTime();
        RawGateway.Pair p = raw.read(from, to);
        phases[0] += System.nanoTime() - t0;
        for (long refused = 0; ; refused++) {
            long t1 = System.nanoTime();
            long moved = Math.min(amount, p.valueA);
            phases[1] += System.nanoTime() - t1;
            RawGateway.Pair now = raw.commit(from, to, p, p.valueA - moved, p.valueB + moved, marker);
            if (now == null) {
                return refused;
            }
            p = now;
        }
    }

    /** One run: {@code clients} threads transferring for the warm-up, then for the measured window. */
    private Run measure(int rep, String mode, int clients, Transfer transfer, double warmup, double seconds) {
        String prefix = STM4J.equals(mode) ? "" : namespace + "/";
        String[] full = new String[accounts];
        for (int i = 0; i < accounts; i++) {
            full[i] = prefix + keys[i];
        }
        long[][] latencies = new long[clients][];
        long[] retries = new long[clients];
        long[][] phaseSums = new long[clients][4];
        Throwable[] failures = new Throwable[clients];
        long start = System.nanoTime();
        long measureFrom = start + (long) (warmup * 1e9);
        long end = measureFrom + (long) (seconds * 1e9);
        Thread[] threads = new Thread[clients];
        for (int t = 0; t < clients; t++) {
            int id = t;
            threads[t] = new Thread(() -> {
                try {
                    long[] lat = new long[1024];
                    int n = 0;
                    ThreadLocalRandom rnd = ThreadLocalRandom.current();
                    long[] phases = new long[2];
                    while (true) {
                        long t0 = System.nanoTime();
                        if (t0 - end >= 0) {
                            break;
                        }
                        int i = rnd.nextInt(accounts);
                        int j = rnd.nextInt(accounts - 1);
                        phases[0] = 0L;
                        phases[1] = 0L;
                        boolean measured = t0 - measureFrom >= 0;
                        long allocated = measured ? THREADS.getCurrentThreadAllocatedBytes() : 0L;
                        long cpu = measured ? THREADS.getCurrentThreadCpuTime() : 0L;
                        long again = transfer.transfer(full[i], full[j >= i ? j + 1 : j], 1 + rnd.nextInt(10), phases);
                        long t1 = System.nanoTime();
                        if (measured) {
                            phaseSums[id][2] += THREADS.getCurrentThreadAllocatedBytes() - allocated;
                            phaseSums[id][3] += THREADS.getCurrentThreadCpuTime() - cpu;
                            if (n == lat.length) {
                                lat = Arrays.copyOf(lat, n * 2);
                            }
                            lat[n++] = t1 - t0;
                            retries[id] += again;
                            phaseSums[id][0] += phases[0];
                            phaseSums[id][1] += phases[1];
                        }
                    }
                    latencies[id] = Arrays.copyOf(lat, n);
                } catch (RuntimeException | Error e) {
                    failures[id] = e;
                }
            }, "etcd-load-" + mode + "-" + t);
            threads[t].setDaemon(true); // a client hung in a request must not keep the JVM alive after the failure
            threads[t].start();
        }
        // this JVM's CPU time in the measured window: the client's cost, which the cluster on the same cores feels
        sleepUntil(measureFrom);
        long cpuFrom = processCpuNanos();
        sleepUntil(end);
        long cpuTo = processCpuNanos();
        for (Thread th : threads) {
            long left = end + GRACE_NANOS - System.nanoTime();
            try {
                th.join(Math.max(1L, TimeUnit.NANOSECONDS.toMillis(left)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the clients", e);
            }
            if (th.isAlive()) {
                throw new IllegalStateException(th.getName() + " still running " + GRACE_NANOS / 1_000_000_000L
                        + " s after the end of the run");
            }
        }
        for (Throwable f : failures) {
            if (f != null) {
                throw new IllegalStateException("a transfer failed: " + f, f);
            }
        }
        long total = 0L;
        int count = 0;
        long[] phaseTotals = new long[4];
        for (int t = 0; t < clients; t++) {
            total += retries[t];
            for (int k = 0; k < phaseTotals.length; k++) {
                phaseTotals[k] += phaseSums[t][k];
            }
            count += latencies[t].length;
        }
        long[] all = new long[count];
        int at = 0;
        for (long[] l : latencies) {
            System.arraycopy(l, 0, all, at, l.length);
            at += l.length;
        }
        return new Run(rep, mode, clients, total, seconds, all, cpuTo - cpuFrom, phaseTotals);
    }

    private static void sleepUntil(long deadline) {
        for (long left = deadline - System.nanoTime(); left > 0L; left = deadline - System.nanoTime()) {
            try {
                TimeUnit.NANOSECONDS.sleep(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted during a run", e);
            }
        }
    }

    private static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean
                ? ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime() : -1L;
    }

    // ------------------------------------------------------------------ the report

    private String summary(List<Run> runs) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "Medians of %d repetition(s):%n%n", repeats));
        medianTable(s, runs, List.of(
                new Column("transfers/s", "%,.0f", Run::perSecond),
                new Column("p50 ms", "%.2f", Run::p50),
                new Column("p99 ms", "%.2f", Run::p99),
                new Column("retries/transfer", "%.4f", r -> r.transfers == 0 ? 0.0 : (double) r.retries / r.transfers),
                new Column("client CPU µs/transfer", "%.0f", Run::cpuMicrosPerTransfer)));
        s.append(String.format(Locale.ROOT, "%nWhere a transfer's time goes (means per transfer, median of the repetitions): read ="
                + " the read request with decoding; body = the rest of the body (stm4j: get, set, staging, which encodes);"
                + " commit = the rest: the commit request (raw: with encoding) and, for stm4j, the engine around the body:%n%n"));
        medianTable(s, runs, List.of(
                new Column("mean ms", "%.2f", Run::meanMs),
                new Column("read ms", "%.2f", Run::meanReadMs),
                new Column("body µs", "%.1f", Run::meanBodyMicros),
                new Column("commit ms", "%.2f", Run::meanCommitMs),
                new Column("client thread CPU µs", "%.0f", Run::threadCpuMicros),
                new Column("client thread KB allocated", "%.1f", Run::allocatedKb)));
        if (clientCounts.size() > 1) {
            for (String mode : modes) {
                s.append(String.format(Locale.ROOT, "%nthroughput of %s by clients:", mode));
                double previous = Double.NaN;
                for (int c : clientCounts) {
                    double tps = median(select(runs, mode, c), Run::perSecond);
                    s.append(String.format(Locale.ROOT, " %d: %,.0f/s%s", c, tps,
                            Double.isNaN(previous) ? "" : String.format(Locale.ROOT, " (%.2fx)", tps / previous)));
                    previous = tps;
                }
            }
            s.append('\n');
        }
        if (modes.contains(STM4J)) {
            for (String base : modes) {
                if (!base.equals(STM4J)) {
                    s.append(ratios(runs, base));
                }
            }
        }
        return s.toString();
    }

    /** A column of {@link #medianTable}: its heading, its format, and the figure of one run. */
    private static final class Column {
        final String head;
        final String format;
        final java.util.function.ToDoubleFunction<Run> value;

        Column(String head, String format, java.util.function.ToDoubleFunction<Run> value) {
            this.head = head;
            this.format = format;
            this.value = value;
        }
    }

    /** A Markdown table with a row per mode and clients: the median over the repetitions of each column. */
    private void medianTable(StringBuilder s, List<Run> runs, List<Column> columns) {
        s.append("| mode | clients |");
        columns.forEach(c -> s.append(' ').append(c.head).append(" |"));
        s.append("\n| --- | ---: |");
        columns.forEach(c -> s.append(" ---: |"));
        s.append('\n');
        for (String mode : modes) {
            for (int c : clientCounts) {
                List<Run> rs = select(runs, mode, c);
                s.append("| ").append(mode).append(" | ").append(c).append(" |");
                columns.forEach(col -> s.append(' ').append(String.format(Locale.ROOT, col.format, median(rs, col.value))).append(" |"));
                s.append('\n');
            }
        }
    }

    /** stm4j / {@code base} per repetition, and their median, with the 30% target on latency against raw. */
    private String ratios(List<Run> runs, String base) {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
                "%nstm4j / %s (median of the per-repetition ratios; per repetition in brackets)%s:%n%n", base,
                base.equals(BASELINE) ? "; target: latency ratio <= 1.30" : ""));
        s.append("| clients | p50 | p99 | throughput |").append(base.equals(BASELINE) ? " latency target |" : "").append('\n');
        s.append("| ---: | ---: | ---: | ---: |").append(base.equals(BASELINE) ? " --- |" : "").append('\n');
        for (int c : clientCounts) {
            List<Run> mine = select(runs, STM4J, c);
            List<Run> theirs = select(runs, base, c);
            List<Double> p50 = new ArrayList<>();
            List<Double> p99 = new ArrayList<>();
            List<Double> tps = new ArrayList<>();
            for (int i = 0; i < Math.min(mine.size(), theirs.size()); i++) {
                p50.add(mine.get(i).p50() / theirs.get(i).p50());
                p99.add(mine.get(i).p99() / theirs.get(i).p99());
                tps.add(mine.get(i).perSecond() / theirs.get(i).perSecond());
            }
            double m50 = Run.median(p50);
            double m99 = Run.median(p99);
            s.append(String.format(Locale.ROOT, "| %d | %s | %s | %s |", c, ratio(m50, p50), ratio(m99, p99),
                    ratio(Run.median(tps), tps)));
            if (base.equals(BASELINE)) {
                s.append(m50 <= 1.30 && m99 <= 1.30 ? " met" : " MISSED").append(" |");
            }
            s.append('\n');
        }
        return s.toString();
    }

    private static String ratio(double median, List<Double> each) {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%.2f [", median));
        for (int i = 0; i < each.size(); i++) {
            s.append(i == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.2f", each.get(i)));
        }
        return s.append(']').toString();
    }

    private static List<Run> select(List<Run> runs, String mode, int clients) {
        List<Run> out = new ArrayList<>();
        for (Run r : runs) {
            if (r.mode.equals(mode) && r.clients == clients) {
                out.add(r);
            }
        }
        return out;
    }

    private static double median(List<Run> runs, java.util.function.ToDoubleFunction<Run> f) {
        List<Double> v = new ArrayList<>();
        runs.forEach(r -> v.add(f.applyAsDouble(r)));
        return Run.median(v);
    }
}
