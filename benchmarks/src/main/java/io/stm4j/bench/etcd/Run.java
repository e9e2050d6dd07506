package io.stm4j.bench.etcd;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The figures of one run of {@link EtcdTransferLoad}: one mode, one number of clients, one repetition. */
final class Run {
    final int repetition;
    final String mode;
    final int clients;
    /** Transfers that started in the measured window. */
    final long transfers;
    /** Re-runs (stm4j) or refused commits (raw) of those transfers. */
    final long retries;
    final double seconds;
    /** CPU time this JVM used in the window (every thread: clients, HTTP, GC, JIT), in ns; negative if unknown. */
    final long cpuNanos;
    /**
     * Of those transfers, in ns: the time reading ({@code [0]}), in the rest of the body ({@code [1]});
     * the bytes their client threads allocated ({@code [2]}) and the CPU time they used ({@code [3]}, ns).
     */
    private final long[] phases;
    /** Latencies of those transfers, in ns, sorted. */
    private final long[] sorted;
    private final long totalNanos;

    Run(int repetition, String mode, int clients, long retries, double seconds, long[] latencies, long cpuNanos,
            long[] phases) {
        this.repetition = repetition;
        this.mode = mode;
        this.clients = clients;
        this.transfers = latencies.length;
        this.retries = retries;
        this.seconds = seconds;
        this.cpuNanos = cpuNanos;
        this.phases = phases.clone();
        this.totalNanos = Arrays.stream(latencies).sum();
        this.sorted = latencies.clone();
        Arrays.sort(this.sorted);
    }

    double perSecond() {
        return transfers / seconds;
    }

    /** @return this JVM's CPU time per transfer in µs; NaN if unknown */
    double cpuMicrosPerTransfer() {
        return cpuNanos < 0L || transfers == 0 ? Double.NaN : cpuNanos / 1e3 / transfers;
    }

    /** @return the mean time of a transfer spent in reads, in ms */
    double meanReadMs() {
        return mean(phases[0]) / 1e6;
    }

    /** @return the mean time of a transfer spent in the body besides reads, in µs */
    double meanBodyMicros() {
        return mean(phases[1]) / 1e3;
    }

    /** @return the mean time of a transfer outside reads and body (the commit request; stm4j: and its engine), in ms */
    double meanCommitMs() {
        return mean(totalNanos - phases[0] - phases[1]) / 1e6;
    }

    /** @return the mean KB a transfer's client thread allocated (not counting the HTTP client's own threads) */
    double allocatedKb() {
        return mean(phases[2]) / 1024.0;
    }

    /** @return the mean CPU time a transfer's client thread used, in µs (not counting the HTTP client's own threads) */
    double threadCpuMicros() {
        return mean(phases[3]) / 1e3;
    }

    double meanMs() {
        return mean(totalNanos) / 1e6;
    }

    private double mean(long nanos) {
        return transfers == 0 ? Double.NaN : (double) nanos / transfers;
    }

    /** @return the {@code p}-th percentile (nearest rank) in ms; NaN if there was no transfer */
    double percentileMs(double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1e6;
    }

    double p50() {
        return percentileMs(50);
    }

    double p99() {
        return percentileMs(99);
    }

    static final String CSV_HEADER = "repetition,mode,clients,transfers,seconds,transfers_per_s,p50_ms,p90_ms,p99_ms,max_ms,retries,client_cpu_us_per_transfer,read_ms,body_us,commit_ms,client_thread_kb_per_transfer,client_thread_cpu_us_per_transfer";

    String csv() {
        return String.format(Locale.ROOT, "%d,%s,%d,%d,%.3f,%.1f,%.3f,%.3f,%.3f,%.3f,%d,%.1f,%.3f,%.1f,%.3f,%.1f,%.1f",
                repetition, mode, clients, transfers, seconds, perSecond(), p50(), percentileMs(90), p99(), percentileMs(100),
                retries, cpuMicrosPerTransfer(), meanReadMs(), meanBodyMicros(), meanCommitMs(), allocatedKb(),
                threadCpuMicros());
    }

    /** A Markdown table row: repetition, mode, clients, transfers/s, p50, p99, retries, CPU per transfer. */
    String row() {
        return String.format(Locale.ROOT, "| %d | %s | %d | %,.0f | %.2f | %.2f | %d (%.2f%%) | %.0f |", repetition, mode,
                clients, perSecond(), p50(), p99(), retries, transfers == 0 ? 0.0 : 100.0 * retries / transfers,
                cpuMicrosPerTransfer());
    }

    /** @return the median of {@code values} (the mean of the middle two for an even count); NaN if empty */
    static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }
}
