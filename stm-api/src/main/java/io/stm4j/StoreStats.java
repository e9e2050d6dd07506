package io.stm4j;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a store's transactions have been doing: commits, aborted attempts by cause, how many times
 * transactions had to re-run, the time spent re-running, and the <em>hot spots</em> — the keys and
 * {@code @Shared} fields whose conflicts caused the most aborts. An immutable snapshot taken by
 * {@link Store#stats()}; the same figures are published for the default store as the JMX MXBean
 * {@code io.stm4j:type=Store,name=default}.
 *
 * <p>Attribution: an aborted attempt counts in the store of the key or field it conflicted on. A
 * transaction counts in the store of the first key or field it wrote (the default store for
 * {@code @Shared} fields), or, if it wrote nothing, of the last one it conflicted on; a
 * transaction that wrote nothing and never conflicted is not counted. Figures of threads still
 * running may lag by their latest updates; once a thread has been joined, its figures are exact.
 */
public final class StoreStats {

    /** Why an attempt of a transaction was abandoned. */
    public enum Abort {
        /** Something it read was changed by a concurrent commit ({@link ConcurrentUpdate}). */
        CONFLICT,
        /** What it had to lock stayed locked by concurrent commits ({@link BusyRetry}). */
        BUSY,
        /** Its body threw: the transaction rolled back and the exception reached the caller. */
        EXCEPTION,
        /** Its body called {@link Stm#retry()}: it waited for a change and ran again. */
        RETRY
    }

    /** A key or {@code @Shared} field and how many aborted attempts it caused. */
    public static final class HotSpot {
        private final String name;
        private final long conflicts;

        /**
         * @param name the key, or the field as {@code package.Class.field}
         * @param conflicts aborted attempts it caused
         */
        public HotSpot(String name, long conflicts) {
            this.name = Objects.requireNonNull(name, "name");
            this.conflicts = conflicts;
        }

        /** @return the key, or the field as {@code package.Class.field} */
        public String name() {
            return name;
        }

        /** @return how many aborted attempts conflicts on it caused */
        public long conflicts() {
            return conflicts;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof HotSpot && ((HotSpot) o).name.equals(name) && ((HotSpot) o).conflicts == conflicts;
        }

        @Override
        public int hashCode() {
            return name.hashCode() * 31 + Long.hashCode(conflicts);
        }

        @Override
        public String toString() {
            return name + " (" + conflicts + " conflicts)";
        }
    }

    /** Labels of the buckets of {@link #retriesPerTransaction()}, in order. */
    public static final List<String> RETRY_BUCKETS =
            List.of("0", "1", "2", "3-4", "5-8", "9-16", "17-32", "33-64", "65+");

    private final String store;
    private final long commits;
    private final long givenUp;
    private final Map<Abort, Long> aborts;
    private final Map<String, Long> retries;
    private final Duration timeRetrying;
    private final List<HotSpot> hotSpots;

    /**
     * For implementations of the store SPI.
     *
     * @param store the store's name, for {@link #toString()}
     * @param commits transactions that committed
     * @param givenUp transactions that gave up (maxRetries or timeout exceeded)
     * @param aborts aborted attempts by cause (missing causes count 0)
     * @param retriesPerTransaction finished transactions by number of re-runs, keyed by
     *     {@link #RETRY_BUCKETS} (missing buckets count 0)
     * @param timeRetrying time from the first abort of a transaction to its end, summed
     * @param hotSpots the keys and fields that caused the most conflicts, most first
     */
    public StoreStats(String store, long commits, long givenUp, Map<Abort, Long> aborts,
            Map<String, Long> retriesPerTransaction, Duration timeRetrying, List<HotSpot> hotSpots) {
        this.store = Objects.requireNonNull(store, "store");
        this.commits = commits;
        this.givenUp = givenUp;
        EnumMap<Abort, Long> a = new EnumMap<>(Abort.class);
        for (Abort cause : Abort.values()) {
            a.put(cause, Objects.requireNonNull(aborts, "aborts").getOrDefault(cause, 0L));
        }
        this.aborts = Collections.unmodifiableMap(a);
        LinkedHashMap<String, Long> r = new LinkedHashMap<>();
        for (String b : RETRY_BUCKETS) {
            r.put(b, Objects.requireNonNull(retriesPerTransaction, "retriesPerTransaction").getOrDefault(b, 0L));
        }
        for (String b : retriesPerTransaction.keySet()) {
            if (!r.containsKey(b)) {
                throw new IllegalArgumentException("unknown retry bucket '" + b + "'; buckets are " + RETRY_BUCKETS);
            }
        }
        this.retries = Collections.unmodifiableMap(r);
        this.timeRetrying = Objects.requireNonNull(timeRetrying, "timeRetrying");
        this.hotSpots = List.copyOf(hotSpots);
    }

    /** @return transactions (and single writes outside transactions) that committed */
    public long commits() {
        return commits;
    }

    /** @return transactions that gave up: {@link MaxRetriesExceeded} or {@link RetryTimeoutExceeded} */
    public long givenUp() {
        return givenUp;
    }

    /**
     * @param cause a cause
     * @return attempts abandoned for that cause
     */
    public long aborts(Abort cause) {
        return aborts.get(Objects.requireNonNull(cause, "cause"));
    }

    /** @return attempts abandoned, by cause (every cause present) */
    public Map<Abort, Long> aborts() {
        return aborts;
    }

    /** @return finished transactions by how many times they re-ran, keyed by {@link #RETRY_BUCKETS} */
    public Map<String, Long> retriesPerTransaction() {
        return retries;
    }

    /** @return time from each transaction's first abort to its end, summed over transactions */
    public Duration timeRetrying() {
        return timeRetrying;
    }

    /** @return the keys and {@code @Shared} fields that caused the most conflicts, most first (at most 10) */
    public List<HotSpot> hotSpots() {
        return hotSpots;
    }

    /** A few lines for people: the figures and the hot spots. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append("store ").append(store).append(": ").append(commits).append(" commits, ")
                .append(givenUp).append(" given up\n");
        sb.append("  aborted attempts: ").append(aborts).append('\n');
        sb.append("  retries per transaction: ").append(retries).append('\n');
        sb.append("  time retrying: ").append(timeRetrying.toMillis()).append(" ms\n");
        sb.append("  hot spots: ").append(hotSpots.isEmpty() ? "none" : hotSpots.toString()).append('\n');
        return sb.toString();
    }
}
