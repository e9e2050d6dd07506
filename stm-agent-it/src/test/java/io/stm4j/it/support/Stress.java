package io.stm4j.it.support;

import java.time.Duration;
import java.util.Locale;

/**
 * The knobs of the property and fault suites, from system properties that the build passes to
 * failsafe: {@code stm4j.stress.scale} (1 by default, 20 under {@code -Pstress}) multiplies loop
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
     * took longer than what is left) is not started.
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
        while (true) {
            long start = System.nanoTime();
            round.run();
            n++;
            long end = System.nanoTime();
            longest = Math.max(longest, end - start);
            if (end - t0 + longest > share) {
                return n;
            }
        }
    }

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
        String f = flavor == null ? "" : " " + flavor;
        System.out.println(String.format(Locale.ROOT, "[stress] %s=%s%s threads=%d transactions=%d faults=%d ms=%d%s",
                suite, name, f, threads, transactions, faults, millis, extra.isEmpty() ? "" : " " + extra));
    }
}
