package io.stm4j.collections;

import io.stm4j.spi.StmProvider;
import java.util.Map;

/**
 * A transactional hash map: a {@link java.util.Map} whose every entry is its own versioned cell,
 * so that transactions touching different keys do not conflict (there is no size counter or root
 * that every write bumps, and the map grows without a conflict on every key).
 *
 * <pre>{@code
 * TxMap<String, Integer> stock = TxMap.create();
 * Stm.atomic(() -> {                       // or inside an @Atomic method
 *     stock.merge("apple", -1, Integer::sum);
 *     stock.merge("basket", 1, Integer::sum);
 * });
 * }</pre>
 *
 * <ul>
 *   <li>Inside a transaction ({@code @Atomic} method or {@code Stm.atomic} block) every call
 *       joins it: reads see the transaction's snapshot plus its own writes, writes are published
 *       with its commit or not at all, and an exception escaping the transaction rolls the map
 *       back with everything else it wrote.</li>
 *   <li>Outside a transaction every call is one transaction of its own (so {@code putAll} is all
 *       or nothing, and {@code equals}, {@code hashCode}, {@code toString} see one snapshot).</li>
 *   <li>The views ({@link #keySet()}, {@link #values()}, {@link #entrySet()}) are live and
 *       transactional in the same way. An iterator made inside a transaction reads that
 *       transaction's snapshot; one made outside iterates a snapshot taken when it was made.
 *       {@code Iterator.remove} and {@code Map.Entry.setValue} write through to the map.</li>
 *   <li>{@code null} keys and values are rejected, by reads too ({@code get(null)},
 *       {@code containsKey(null)}, {@code containsValue(null)}), with a
 *       {@link NullPointerException} whose message names {@code key} or {@code value}; so
 *       {@code get} returning {@code null} means the key is absent.</li>
 * </ul>
 *
 * <p>Keys must have stable {@code hashCode}/{@code equals}, as for any hash map. Values should be
 * immutable (or never mutated once put): the map versions the reference, not the object.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface TxMap<K, V> extends Map<K, V> {

    /**
     * Creates an empty transactional map.
     *
     * @param <K> the key type
     * @param <V> the value type
     * @return a new empty map, of the stm4j implementation on the class path
     */
    static <K, V> TxMap<K, V> create() {
        return StmProvider.current().createMap();
    }
}
