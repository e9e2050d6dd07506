package io.stm4j.spi;

import io.stm4j.Store;
import io.stm4j.collections.TxMap;
import io.stm4j.collections.TxQueue;
import io.stm4j.collections.TxSet;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * The service-provider interface behind {@link Store} and {@link io.stm4j.Stm}: an implementation
 * of the store and its transaction engine.
 *
 * <p>Implementations register with {@link ServiceLoader} (a
 * {@code META-INF/services/io.stm4j.spi.StmProvider} entry). When more than one is on the class
 * path, the system property {@value #PROVIDER_PROPERTY} names the class to use; with exactly one,
 * it is used.
 */
public interface StmProvider {

    /** System property naming the provider class when several are present. */
    String PROVIDER_PROPERTY = "stm4j.provider";

    /** @return a new, empty, independent store */
    Store createStore();

    /** @return the process-wide store */
    Store defaultStore();

    /** @return the engine that runs transactions */
    TransactionEngine engine();

    /**
     * @param <K> the key type
     * @param <V> the value type
     * @return a new empty {@link TxMap}
     * @throws UnsupportedOperationException if this provider has no transactional collections
     */
    default <K, V> TxMap<K, V> createMap() {
        throw unsupported(this, "TxMap");
    }

    /**
     * @param <E> the element type
     * @return a new empty {@link TxSet}
     * @throws UnsupportedOperationException if this provider has no transactional collections
     */
    default <E> TxSet<E> createSet() {
        throw unsupported(this, "TxSet");
    }

    /**
     * @param capacity the most elements the queue holds ({@link Integer#MAX_VALUE}: unbounded),
     *     at least 1 (the caller has checked it)
     * @param <E> the element type
     * @return a new empty {@link TxQueue}
     * @throws UnsupportedOperationException if this provider has no transactional collections
     */
    default <E> TxQueue<E> createQueue(int capacity) {
        throw unsupported(this, "TxQueue");
    }

    private static UnsupportedOperationException unsupported(StmProvider p, String what) {
        return new UnsupportedOperationException("the stm4j provider " + p.getClass().getName()
                + " has no " + what + "; use io.stm4j:stm-runtime");
    }

    /**
     * @return the provider in use
     * @throws IllegalStateException if none is on the class path, or the configured one is absent
     */
    static StmProvider current() {
        return Holder.INSTANCE;
    }

    /** Lazy, thread-safe holder of the chosen provider. */
    final class Holder {
        static final StmProvider INSTANCE = load();

        private Holder() {
        }

        private static StmProvider load() {
            List<StmProvider> found = new ArrayList<>();
            for (StmProvider p : ServiceLoader.load(StmProvider.class, StmProvider.class.getClassLoader())) {
                found.add(p);
            }
            String wanted = System.getProperty(PROVIDER_PROPERTY);
            if (wanted != null) {
                for (StmProvider p : found) {
                    if (p.getClass().getName().equals(wanted)) {
                        return p;
                    }
                }
                throw new IllegalStateException("stm4j provider '" + wanted + "' named by -D"
                        + PROVIDER_PROPERTY + " is not on the class path; found: " + names(found));
            }
            if (found.isEmpty()) {
                throw new IllegalStateException("No stm4j implementation on the class path:"
                        + " add the dependency io.stm4j:stm-runtime");
            }
            if (found.size() > 1) {
                throw new IllegalStateException("Several stm4j implementations on the class path: "
                        + names(found) + "; choose one with -D" + PROVIDER_PROPERTY + "=<class>");
            }
            return found.get(0);
        }

        private static List<String> names(List<StmProvider> ps) {
            List<String> names = new ArrayList<>();
            for (StmProvider p : ps) {
                names.add(p.getClass().getName());
            }
            return names;
        }
    }
}
