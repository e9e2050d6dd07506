package io.stm4j.testkit;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The knobs of the property and fault suites, from system properties that the build passes to
 * the test JVM (stm-agent-it's failsafe configuration): {@code stm4j.stress.scale} (1 by default, 20 under {@code -Pstress}) multiplies loop
 * counts, {@code stm4j.stress.threads} (4 by default, 64 under {@code -Pstress}) is the number of
 * worker threads, {@code stm4j.stress.propertySeconds} (0 by default, 120 under {@code -Pstress})
 * how long each property runs, in rounds. Also prints the one-line {@code [stress]} summaries that
 * the stress run's closing note adds up.
 */
public final class Stress {
    /** Multiplier for loop counts. */
    public static final int SCALE = Math.max(1, Integer.getInteger("stm4j.stress.scale", 1));
    /** Worker threads of each concurrent property. */
    public static final int THREADS = Math.max(2, Integer.getInteger("stm4j.stress.threads", 4));

    /**
     * Seconds that each property of the property suite runs for, {@code stm4j.stress.propertySeconds}:
     * 0 by default (each test runs one round), 120 under {@code -Pstress}.
     */
    public static final int PROPERTY_SECONDS = Math.max(0, Integer.getInteger("stm4j.stress.propertySeconds", 0));

    /** One round of a property test: a fresh workload, run and checked. */
    public interface Round {
        void run() throws Exception;
    }

    private Stress() {
    }

    /**
     * Runs {@code round} once, and again while this test invocation's share of
     * {@link #PROPERTY_SECONDS} is not used up; a round that would likely end past the share (it
     * took longer than what is left) is not started. The rounds' {@link #report}s are summed into
     * one line per reported workload, its numbers summed (other values: the last one), and
     * {@code repeats=N}. After each round the engine must be quiescent, as
     * {@link EngineQuiescence} checks after each test ({@link EngineQuiescence#check}): a round
     * that leaves a cell or an engine lock held fails there, not only at the end of the last round.
     *
     * @param invocations how many test invocations the property's time is shared among (its test
     *     methods times their parameters)
     * @param round the workload, run and checked
     * @return the rounds run
     */
    public static int rounds(int invocations, Round round) throws Exception {
        long share = PROPERTY_SECONDS * 1_000_000_000L / Math.max(1, invocations);
        long t0 = System.nanoTime();
        long longest = 0;
        int n = 0;
        Map<String, Map<String, Object>> sums = new LinkedHashMap<>();
        SUMMING.set(sums);
        try {
            while (true) {
                long start = System.nanoTime();
                round.run();
                EngineQuiescence.check();
                n++;
                long end = System.nanoTime();
                longest = Math.max(longest, end - start);
                if (end - t0 + longest > share) {
                    return n;
                }
            }
        } finally {
            SUMMING.remove();
            for (Map.Entry<String, Map<String, Object>> e : sums.entrySet()) {
                StringBuilder line = new StringBuilder(e.getKey());
                e.getValue().forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
                print(line.append(" repeats=").append(n).toString());
            }
        }
    }

    /**
     * While {@link #rounds} runs on this thread: for each reported workload, the {@code key=value}
     * pairs of its rounds' reports, numbers summed, other values the last one.
     */
    private static final ThreadLocal<Map<String, Map<String, Object>>> SUMMING = new ThreadLocal<>();

    /**
     * How long a concurrent run may take before it counts as hung: generous, since 64 threads on
     * 2 cores under {@code -Pstress} are slow, and never a claim about speed.
     */
    public static Duration timeout() {
        return Duration.ofSeconds(120L + 30L * SCALE);
    }

    /**
     * Prints one summary line, e.g. {@code [stress] property=lost-updates api=store threads=4
     * kind=platform transactions=8000 faults=0 ms=312 ...}.
     *
     * @param suite "property" or "fault"
     * @param name what ran
     * @param flavor the API and thread kind, or null
     * @param threads worker threads
     * @param transactions transactions that ran to an end (committed or ended by an exception)
     * @param faults faults injected (exceptions, errors, interrupts, kills)
     * @param millis wall time
     * @param extra more {@code key=value} pairs, or ""
     */
    public static void report(String suite, String name, Object flavor, int threads, long transactions,
            long faults, long millis, String extra) {
        String what = String.format(Locale.ROOT, "%s=%s%s threads=%d", suite, name, flavor == null ? "" : " " + flavor,
                threads);
        String counts = String.format(Locale.ROOT, "transactions=%d faults=%d ms=%d%s", transactions, faults, millis,
                extra.isEmpty() ? "" : " " + extra);
        Map<String, Map<String, Object>> summing = SUMMING.get();
        if (summing == null) {
            print(what + " " + counts);
            return;
        }
        Map<String, Object> sums = summing.computeIfAbsent(what, k -> new LinkedHashMap<>());
        for (String pair : counts.split(" ")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                String value = pair.substring(eq + 1);
                Object v = value.matches("-?\\d+") ? (Object) Long.valueOf(value) : value;
                sums.merge(pair.substring(0, eq), v,
                        (a, b) -> a instanceof Long && b instanceof Long ? (Object) ((Long) a + (Long) b) : b);
            }
        }
    }

    private static void print(String line) {
        System.out.println("[stress] " + line);
    }
}
