package io.stm4j.internal;

import java.util.Map;

/**
 * The JMX view of a store's {@link io.stm4j.StoreStats}, registered for the default store as
 * {@code io.stm4j:type=Store,name=default}.
 *
 * <p>Not API: public because JMX requires it.
 */
public interface StoreStatsMXBean {
    /** @return transactions that committed */
    long getCommits();

    /** @return transactions that gave up (maxRetries or timeout exceeded) */
    long getGivenUp();

    /** @return aborted attempts by cause */
    Map<String, Long> getAborts();

    /** @return finished transactions by number of re-runs */
    Map<String, Long> getRetriesPerTransaction();

    /** @return milliseconds from each transaction's first abort to its end, summed */
    long getTimeRetryingMillis();

    /** @return the keys and fields with the most conflicts, as {@code name (n conflicts)} */
    String[] getHotSpots();
}
