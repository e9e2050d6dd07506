package io.stm4j.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns a JMH run of {@link StmBench} into an engine × workload table (Markdown) of ops/s, with
 * the ratio of stm4j to the best STM peer per workload; {@code CollectionBench} gets a table of
 * its own, other benchmarks a line each.
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.stm4j.bench.Report results.csv [jmh-output.log]}.
 * With the log, benchmarks that failed (an invariant broken at teardown, an exception) show as
 * {@code FAILED} and are listed under the table, and the exit status is 2.
 */
public final class Report {
    private static final List<String> WORKLOADS = List.of("read1", "inc1_t1", "inc1_t2", "transfer_t1",
            "transfer_t2", "readMostly_t2", "hot_t2");
    private static final List<String> STM4J = List.of("stm4j-agent", "stm4j", "stm4j-ro");

    private Report() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: Report results.csv [jmh-output.log]");
            System.exit(64);
        }
        // workload -> engine -> score
        Map<String, Map<String, Double>> scores = new LinkedHashMap<>();
        Set<String> engines = new LinkedHashSet<>(Engines.ALL);
        Set<String> workloads = new LinkedHashSet<>(WORKLOADS);
        Set<String> seenEngines = new LinkedHashSet<>();
        List<String> micro = new java.util.ArrayList<>();
        Map<String, Map<String, Double>> collections = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8);
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            List<String> f = csv(line);
            if (f.get(0).contains(".CollectionBench.")) {
                if (!f.get(0).contains(":")) { // a group's per-method rows are in its total
                    String workload = f.get(0).substring(f.get(0).lastIndexOf('.') + 1);
                    collections.computeIfAbsent(workload, k -> new LinkedHashMap<>())
                            .put(f.size() > 7 ? f.get(7) : "-", Double.parseDouble(f.get(4)));
                }
                continue;
            }
            if (!f.get(0).contains(".StmBench.")) {
                // a micro-benchmark: reported as it is, in its own unit
                String params = f.size() > 7 ? " [" + String.join(", ", f.subList(7, f.size())) + "]" : "";
                micro.add(String.format(Locale.ROOT, "- %s%s: %.3f ± %.3f %s", f.get(0).replace("io.stm4j.bench.", ""),
                        params, Double.parseDouble(f.get(4)), parseOrNaN(f.get(5)), f.get(6)));
                continue;
            }
            String workload = f.get(0).substring(f.get(0).lastIndexOf('.') + 1);
            String engine = f.size() > 7 ? f.get(7) : "-";
            double score = Double.parseDouble(f.get(4));
            workloads.add(workload);
            engines.add(engine);
            seenEngines.add(engine);
            scores.computeIfAbsent(workload, k -> new LinkedHashMap<>()).put(engine, score);
        }
        Map<String, String> failures = new LinkedHashMap<>();
        if (args.length == 2) {
            failures = failures(Path.of(args[1]));
            for (String key : failures.keySet()) {
                String[] we = key.split(" ", 2);
                workloads.add(we[0]);
                engines.add(we[1]);
                seenEngines.add(we[1]);
            }
        }
        engines.retainAll(seenEngines);
        Map<String, String> failed = failures;
        workloads.removeIf(w -> !scores.containsKey(w)
                && failed.keySet().stream().noneMatch(k -> k.startsWith(w + " ")));

        StringBuilder out = new StringBuilder();
        if (!micro.isEmpty()) {
            out.append("Micro-benchmarks (median of iterations is JMH's score; ± is its 99.9% error):\n");
            micro.forEach(m -> out.append(m).append('\n'));
            out.append('\n');
        }
        if (!collections.isEmpty()) {
            out.append(collectionTable(collections)).append('\n');
        }
        if (scores.isEmpty() && failures.isEmpty()) {
            System.out.print(out);
            return;
        }
        out.append("| engine |");
        for (String w : workloads) {
            out.append(' ').append(w).append(" |");
        }
        out.append('\n').append("| --- |");
        for (int i = 0; i < workloads.size(); i++) {
            out.append(" ---: |");
        }
        out.append('\n');
        for (String e : engines) {
            out.append("| ").append(e).append(" |");
            for (String w : workloads) {
                Double s = scores.getOrDefault(w, Map.of()).get(e);
                String cell = failures.containsKey(w + " " + e) ? "FAILED" : s == null ? "" : ops(s);
                out.append(' ').append(cell).append(" |");
            }
            out.append('\n');
        }
        out.append("| best STM peer |");
        for (String w : workloads) {
            String best = bestPeer(scores.getOrDefault(w, Map.of()));
            out.append(' ').append(best == null ? "—" : best).append(" |");
        }
        out.append('\n');
        for (String mine : STM4J) {
            if (!engines.contains(mine)) {
                continue;
            }
            out.append("| ").append(mine).append(" / best STM peer |");
            for (String w : workloads) {
                Map<String, Double> ws = scores.getOrDefault(w, Map.of());
                String best = bestPeer(ws);
                Double s = ws.get(mine);
                String cell = best == null || s == null ? "—"
                        : String.format(Locale.ROOT, "%.2f×", s / ws.get(best));
                out.append(' ').append(cell).append(" |");
            }
            out.append('\n');
        }
        out.append("\nops/s, summed over the benchmark's threads; STM peers: ").append(Engines.STM_PEERS)
                .append(". Blank: the workload does not apply to the engine.\n");
        if (!failures.isEmpty()) {
            out.append("\nFAILED (a failed benchmark is a failure, not a result):\n");
            failures.forEach((k, v) -> out.append("- ").append(k).append(": ").append(v).append('\n'));
        }
        System.out.print(out);
        System.out.flush();
        if (!failures.isEmpty()) {
            System.exit(2);
        }
    }

    /**
     * The {@code CollectionBench} table: engine × workload ops/s, with stm4j's ratio to the best
     * STM peer (in-transaction workloads) and to the JDK collection (single operations, queues).
     */
    private static String collectionTable(Map<String, Map<String, Double>> scores) {
        List<String> order = List.of("stm4j-agent", "stm4j", "scalastm", "multiverse", "chm", "lbq");
        Set<String> engines = new LinkedHashSet<>(order);
        Set<String> seen = new LinkedHashSet<>();
        scores.values().forEach(m -> seen.addAll(m.keySet()));
        engines.addAll(seen);
        engines.retainAll(seen);
        StringBuilder out = new StringBuilder("Collections (CollectionBench, ops/s summed over threads):\n\n| engine |");
        scores.keySet().forEach(w -> out.append(' ').append(w).append(" |"));
        out.append("\n| --- |");
        scores.keySet().forEach(w -> out.append(" ---: |"));
        out.append('\n');
        for (String e : engines) {
            out.append("| ").append(e).append(" |");
            scores.values().forEach(m -> out.append(' ').append(m.containsKey(e) ? ops(m.get(e)) : "").append(" |"));
            out.append('\n');
        }
        for (String mine : List.of("stm4j-agent", "stm4j")) {
            if (!engines.contains(mine)) {
                continue;
            }
            out.append("| ").append(mine).append(" / best STM peer |");
            scores.values().forEach(m -> {
                String best = bestPeer(m);
                out.append(' ').append(best == null || !m.containsKey(mine) ? "—"
                        : String.format(Locale.ROOT, "%.2f× %s", m.get(mine) / m.get(best), best)).append(" |");
            });
            out.append('\n');
        }
        out.append("| stm4j / JDK collection |");
        scores.values().forEach(m -> {
            Double jdk = m.containsKey("chm") ? m.get("chm") : m.get("lbq");
            out.append(' ').append(jdk == null || !m.containsKey("stm4j") ? "—"
                    : String.format(Locale.ROOT, "%.2f×", m.get("stm4j") / jdk)).append(" |");
        });
        out.append('\n');
        return out.toString();
    }

    private static double parseOrNaN(String s) {
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static String bestPeer(Map<String, Double> ws) {
        String best = null;
        for (String p : Engines.STM_PEERS) {
            Double s = ws.get(p);
            if (s != null && (best == null || s > ws.get(best))) {
                best = p;
            }
        }
        return best;
    }

    private static String ops(double s) {
        return String.format(Locale.ROOT, "%,.0f", s);
    }

    /** (workload + " " + engine) -> first line of the failure, from JMH's human-readable output. */
    private static Map<String, String> failures(Path log) throws IOException {
        Map<String, String> failed = new LinkedHashMap<>();
        String benchmark = "?";
        String engine = "-";
        boolean grabMessage = false;
        String key = null;
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            if (line.startsWith("# Benchmark: ")) {
                String b = line.substring("# Benchmark: ".length()).trim();
                benchmark = b.substring(b.lastIndexOf('.') + 1);
                engine = "-";
            } else if (line.startsWith("# Parameters: (")) {
                int i = line.indexOf("engine = ");
                if (i >= 0) {
                    int end = line.indexOf(',', i);
                    if (end < 0) {
                        end = line.lastIndexOf(')');
                    }
                    engine = line.substring(i + "engine = ".length(), end).trim();
                }
            } else if (line.contains("<failure>")) {
                key = benchmark + " " + engine;
                failed.putIfAbsent(key, "(no message)");
                grabMessage = true;
            } else if (grabMessage && !line.isBlank()) {
                failed.put(key, line.trim());
                grabMessage = false;
            }
        }
        return failed;
    }

    /** Splits one line of JMH's CSV (fields optionally double-quoted, no embedded quotes). */
    private static List<String> csv(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                fields.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        fields.add(cur.toString());
        return fields;
    }
}
