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
    /** Latencies of those transfers, in ns, sorted. */
    private final long[] sorted;

    Run(int repetition, String mode, int clients, long retries, double seconds, long[] latencies) {
        this.repetition = repetition;
        this.mode = mode;
        this.clients = clients;
        this.transfers = latencies.length;
        this.retries = retries;
        this.seconds = seconds;
        this.sorted = latencies.clone();
        Arrays.sort(this.sorted);
    }

    double perSecond() {
        return transfers / seconds;
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

    static final String CSV_HEADER = "repetition,mode,clients,transfers,seconds,transfers_per_s,p50_ms,p90_ms,p99_ms,max_ms,retries";

    String csv() {
        return String.format(Locale.ROOT, "%d,%s,%d,%d,%.3f,%.1f,%.3f,%.3f,%.3f,%.3f,%d", repetition, mode, clients,
                transfers, seconds, perSecond(), p50(), percentileMs(90), p99(), percentileMs(100), retries);
    }

    /** A Markdown table row: mode, clients, transfers/s, p50, p99, retries. */
    String row() {
        return String.format(Locale.ROOT, "| %d | %s | %d | %,.0f | %.2f | %.2f | %d (%.2f%%) |", repetition, mode, clients,
                perSecond(), p50(), p99(), retries, transfers == 0 ? 0.0 : 100.0 * retries / transfers);
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
