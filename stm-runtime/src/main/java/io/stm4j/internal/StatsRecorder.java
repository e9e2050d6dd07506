package io.stm4j.internal;

import io.stm4j.StoreStats;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import javax.management.JMException;
import javax.management.ObjectName;

/**
 * The statistics of one store: per-thread counters (written without atomics by their threads),
 * and conflict counts per key or field name for the hot spots (written only when an attempt
 * aborts). Threads that died are folded into {@link #retired} so that their figures stay counted
 * and their counters can be dropped.
 */
final class StatsRecorder implements StoreStatsMXBean {
    /** For cells that belong to no store (the engine's own tests). */
    static final StatsRecorder DETACHED = new StatsRecorder("detached");
    private static final int TOP = 10;
    private static final int SWEEP_EVERY = 256;

    private final String label;
    private final ConcurrentLinkedQueue<ThreadStats> threads = new ConcurrentLinkedQueue<>();
    private final AtomicInteger registrations = new AtomicInteger();
    private final long[] retired = new long[ThreadStats.SIZE];
    private final ConcurrentHashMap<String, LongAdder> conflicts = new ConcurrentHashMap<>();

    StatsRecorder(String label) {
        this.label = label;
    }

    /** The recorder of a store named {@code label}, or {@code store-<n>} if it has no name. */
    static StatsRecorder forStore(String label) {
        return new StatsRecorder(label != null ? label : "store-" + UNNAMED.incrementAndGet());
    }

    private static final AtomicInteger UNNAMED = new AtomicInteger();

    /** The counters of {@code th}, which alone writes them: the ones it had here, or fresh ones. */
    ThreadStats register(Thread th) {
        for (ThreadStats known : threads) {
            if (known.thread.get() == th) {
                return known;
            }
        }
        ThreadStats s = new ThreadStats(th);
        threads.add(s);
        if (registrations.incrementAndGet() % SWEEP_EVERY == 0) {
            sweep();
        }
        return s;
    }

    /** One aborted attempt caused by the cell named {@code name}. */
    void conflict(Object name) {
        conflicts.computeIfAbsent(String.valueOf(name), k -> new LongAdder()).increment();
    }

    /** Folds the counters of dead threads into {@link #retired} and forgets them. */
    private synchronized void sweep() {
        for (Iterator<ThreadStats> it = threads.iterator(); it.hasNext(); ) {
            ThreadStats s = it.next();
            Thread th = s.thread.get();
            if (th == null || !th.isAlive()) {
                for (int i = 0; i < ThreadStats.SIZE; i++) {
                    retired[i] += s.get(i);
                }
                it.remove();
            }
        }
    }

    /** @return the sums over every thread, live or gone */
    private synchronized long[] totals() {
        sweep();
        long[] t = retired.clone();
        for (ThreadStats s : threads) {
            for (int i = 0; i < ThreadStats.SIZE; i++) {
                t[i] += s.get(i);
            }
        }
        return t;
    }

    StoreStats snapshot() {
        long[] t = totals();
        Map<StoreStats.Abort, Long> aborts = new EnumMap<>(StoreStats.Abort.class);
        for (StoreStats.Abort a : StoreStats.Abort.values()) {
            aborts.put(a, t[ThreadStats.ABORTS + a.ordinal()]);
        }
        Map<String, Long> retries = new LinkedHashMap<>();
        long retried = 0;
        for (int b = 0; b < ThreadStats.RETRY_BUCKETS; b++) {
            retried += t[ThreadStats.RETRIED + b];
        }
        long finished = t[ThreadStats.COMMITS] + t[ThreadStats.GIVEN_UP] + aborts.get(StoreStats.Abort.EXCEPTION);
        retries.put(StoreStats.RETRY_BUCKETS.get(0), Math.max(0L, finished - retried));
        for (int b = 0; b < ThreadStats.RETRY_BUCKETS; b++) {
            retries.put(StoreStats.RETRY_BUCKETS.get(b + 1), t[ThreadStats.RETRIED + b]);
        }
        List<StoreStats.HotSpot> hot = new ArrayList<>();
        conflicts.forEach((name, n) -> hot.add(new StoreStats.HotSpot(name, n.sum())));
        hot.sort((a, b) -> a.conflicts() != b.conflicts()
                ? Long.compare(b.conflicts(), a.conflicts()) : a.name().compareTo(b.name()));
        return new StoreStats(label, t[ThreadStats.COMMITS], t[ThreadStats.GIVEN_UP], aborts, retries,
                Duration.ofNanos(t[ThreadStats.RETRY_NANOS]), hot.subList(0, Math.min(TOP, hot.size())));
    }

    /**
     * Registers this recorder as {@code io.stm4j:type=Store,name=<name>}. Where a second copy of the
     * runtime (another class loader: a second web application, a test's isolated loader) registered
     * that name first, this copy's store is {@code io.stm4j:type=Store,name=<name>,copy=<n>}, n its
     * class loader's identity hash. Logs and goes on if it cannot register at all.
     */
    void registerMBean(String name) {
        String base = "io.stm4j:type=Store,name=" + (name.matches("[A-Za-z0-9._-]+") ? name : ObjectName.quote(name));
        try {
            javax.management.MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            try {
                server.registerMBean(this, new ObjectName(base));
            } catch (javax.management.InstanceAlreadyExistsException taken) {
                server.registerMBean(this, new ObjectName(base + ",copy="
                        + Integer.toHexString(System.identityHashCode(StatsRecorder.class.getClassLoader()))));
            }
        } catch (JMException | RuntimeException e) {
            Log.warn("stm4j: store statistics not registered with JMX as '" + name + "': " + e);
        }
    }

    // ------------------------------------------------------------------ MXBean

    @Override
    public long getCommits() {
        return snapshot().commits();
    }

    @Override
    public long getGivenUp() {
        return snapshot().givenUp();
    }

    @Override
    public Map<String, Long> getAborts() {
        Map<String, Long> m = new LinkedHashMap<>();
        snapshot().aborts().forEach((k, v) -> m.put(k.name(), v));
        return m;
    }

    @Override
    public Map<String, Long> getRetriesPerTransaction() {
        return snapshot().retriesPerTransaction();
    }

    @Override
    public long getTimeRetryingMillis() {
        return snapshot().timeRetrying().toMillis();
    }

    @Override
    public String[] getHotSpots() {
        return snapshot().hotSpots().stream().map(Object::toString).toArray(String[]::new);
    }
}
