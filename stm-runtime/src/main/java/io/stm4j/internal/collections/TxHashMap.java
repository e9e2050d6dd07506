package io.stm4j.internal.collections;

import io.stm4j.collections.TxMap;
import io.stm4j.internal.Cell;
import io.stm4j.internal.CellAccess;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * {@link TxMap}: a {@link ConcurrentHashMap} from each key to the versioned cell that holds its
 * value ({@code null}: absent), plus a few striped size cells.
 *
 * <p><b>Structure.</b> The hash map only says which cell belongs to a key; it is changed outside
 * transactions (a cell is created on first use, by {@code computeIfAbsent}), so growing it
 * conflicts with nothing. What a transaction sees is in the cells: a key is present in a snapshot
 * when its cell holds a value there. Every change of membership (absent to present or back) also
 * adds to or subtracts from one of the {@link #stripes}, chosen by the thread, so {@link #size()}
 * is the sum of the stripes and two threads that insert different keys write different cells.
 * Whatever depends on which keys exist (size, iteration to the end) reads every stripe, so a commit
 * that adds or removes a key invalidates it: no phantoms.
 *
 * <p><b>Forgetting keys.</b> A removed key's cell (or one made by reading a missing key) holds
 * absent; once there are about as many of those as the map has cells, a sweep retires them
 * ({@link CellAccess#retireIfAbsent}: {@link #RETIRED} is committed over absent) and drops them from
 * the hash map. A transaction that finds a retired cell looks the key up again. The cell made for
 * the key afterwards holds absent only from {@link #retiredSince} on, which is at least when the
 * retired cell became absent, so no snapshot older than that reads it; and a read-only iteration,
 * which cannot see retired cells that are gone from the hash map, checks at its end that nothing
 * was retired within its snapshot ({@code retiredSince} not beyond it).
 */
public final class TxHashMap<K, V> extends AbstractMap<K, V> implements TxMap<K, V>, Serializable {
    private static final long serialVersionUID = 1L;
    private static final AtomicInteger NAMES = new AtomicInteger();
    /** Committed over an absent value when a cell is retired; never overwritten. */
    static final Object RETIRED = new Object() {
        @Override
        public String toString() {
            return "RETIRED";
        }
    };
    private static final int STRIPES = Math.max(8, Integer.highestOneBit(Runtime.getRuntime().availableProcessors() * 2 - 1) << 1);
    private static final int MIN_SWEEP = 1024;

    private final transient String name = "TxMap#" + NAMES.incrementAndGet();
    private final transient ConcurrentHashMap<Object, Cell> cells = new ConcurrentHashMap<>();
    private final transient Cell[] stripes = new Cell[STRIPES];
    private final transient AtomicLong retiredSince = new AtomicLong();
    private final transient LongAdder garbage = new LongAdder();
    private final transient AtomicBoolean sweeping = new AtomicBoolean();
    private transient volatile long sweepAt = MIN_SWEEP;
    private transient Set<K> keySet;
    private transient Collection<V> values;
    private transient Set<Map.Entry<K, V>> entrySet;

    /** An empty map. */
    public TxHashMap() {
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = CellAccess.newLongCell(name);
        }
    }

    // ------------------------------------------------------------------ cells

    private static <T> T call(Supplier<T> body) {
        return CellAccess.atomic(body, false);
    }

    private static <T> T read(Supplier<T> body) {
        return CellAccess.atomic(body, true);
    }

    private Cell create(Object key) {
        return cells.computeIfAbsent(key, k -> {
            noteGarbage();
            return CellAccess.newCell(name, null, retiredSince.get());
        });
    }

    /**
     * The value of {@code key} here: in a transaction its view (recorded), outside the latest.
     * Creates the key's cell only where the absence must be recorded (a read-write transaction).
     */
    @SuppressWarnings("unchecked")
    private V valueOf(Object key) {
        for (; ; ) {
            Cell c = cells.get(key);
            if (c == null) {
                if (CellAccess.recordsReads()) {
                    c = create(key);
                } else {
                    if (CellAccess.inTransaction() && retiredSince.get() > CellAccess.snapshot()) {
                        // the key's cell may have been retired after the snapshot saw it hold a value
                        throw CellAccess.conflict(stripes[0]);
                    }
                    return null;
                }
            }
            Object v = CellAccess.get(c);
            if (v != RETIRED) {
                return (V) v;
            }
            cells.remove(key, c);
        }
    }

    /** In a transaction: the live cell of {@code key}, created if missing, its value read (recorded). */
    private Cell cellOf(Object key) {
        for (; ; ) {
            Cell c = cells.get(key);
            if (c == null) {
                c = create(key);
            }
            if (CellAccess.get(c) != RETIRED) {
                return c;
            }
            cells.remove(key, c);
        }
    }

    @SuppressWarnings("unchecked")
    private static <V> V valueIn(Cell c) {
        return (V) CellAccess.get(c);
    }

    /** In a transaction: sets {@code c} (whose current value is {@code old}) to {@code v} (null: absent). */
    private void write(Cell c, Object old, Object v) {
        CellAccess.set(c, v);
        if ((old == null) != (v == null)) {
            Cell s = stripes[stripe()];
            CellAccess.setLong(s, CellAccess.getLong(s) + (v == null ? -1 : 1));
            if (v == null) {
                noteGarbage();
            }
        }
    }

    @SuppressWarnings("deprecation") // Thread.getId(): threadId() needs Java 19
    private static int stripe() {
        // consecutive thread ids (a pool's threads) take different stripes
        return (int) Thread.currentThread().getId() & (STRIPES - 1);
    }

    /** Reads every stripe (recorded), summing them. */
    private long sumStripes() {
        long n = 0;
        for (Cell s : stripes) {
            n += CellAccess.getLong(s);
        }
        return n;
    }

    private void noteGarbage() {
        garbage.increment();
        if ((ThreadLocalRandom.current().nextInt() & 63) == 0 && garbage.sum() >= sweepAt) {
            CellAccess.afterCommitOrNow(this::sweep);
        }
    }

    /** Retires the cells of absent keys and forgets them; one sweep at a time, outside transactions. */
    private void sweep() {
        if (!sweeping.compareAndSet(false, true)) {
            return;
        }
        try {
            garbage.reset();
            for (Map.Entry<Object, Cell> e : cells.entrySet()) {
                Cell c = e.getValue();
                if (CellAccess.retireIfAbsent(c, null, RETIRED, this::raiseRetiredSince)
                        || CellAccess.get(c) == RETIRED) {
                    cells.remove(e.getKey(), c);
                }
            }
            sweepAt = Math.max(MIN_SWEEP, cells.size());
        } finally {
            sweeping.set(false);
        }
    }

    private void raiseRetiredSince(long stamp) {
        retiredSince.accumulateAndGet(stamp, Math::max);
    }

    /** @return how many cells the map holds, live or not yet swept (for tests) */
    int cellCount() {
        return cells.size();
    }

    // ------------------------------------------------------------------ Map

    @Override
    public int size() {
        return read(() -> (int) Math.min(Integer.MAX_VALUE, sumStripes()));
    }

    @Override
    public boolean isEmpty() {
        return size() == 0;
    }

    @Override
    public V get(Object key) {
        return valueOf(Objects.requireNonNull(key, "key"));
    }

    @Override
    public boolean containsKey(Object key) {
        return get(key) != null;
    }

    @Override
    public boolean containsValue(Object value) {
        Objects.requireNonNull(value, "value");
        return read(() -> {
            for (Iterator<Map.Entry<K, V>> it = new Entries(); it.hasNext(); ) {
                if (value.equals(it.next().getValue())) {
                    return true;
                }
            }
            return false;
        });
    }

    @Override
    public V getOrDefault(Object key, V defaultValue) {
        V v = get(key);
        return v != null ? v : defaultValue;
    }

    @Override
    @SuppressWarnings("unchecked")
    public V put(K key, V value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        if (!CellAccess.inTransaction()) {
            // a present key outside a transaction: one cell changes, the size does not
            Cell c = cells.get(key);
            Object old = c == null ? CellAccess.NOT_REPLACED : CellAccess.replaceIfPresent(c, value, null, RETIRED);
            if (old != CellAccess.NOT_REPLACED) {
                return (V) old;
            }
        }
        return call(() -> {
            Cell c = cellOf(key);
            V old = valueIn(c);
            write(c, old, value);
            return old;
        });
    }

    @Override
    public V putIfAbsent(K key, V value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        return call(() -> {
            Cell c = cellOf(key);
            V old = valueIn(c);
            if (old == null) {
                write(c, null, value);
            }
            return old;
        });
    }

    @Override
    public void putAll(Map<? extends K, ? extends V> m) {
        for (Map.Entry<? extends K, ? extends V> e : m.entrySet()) {
            Objects.requireNonNull(e.getKey(), "key");
            Objects.requireNonNull(e.getValue(), "value");
        }
        CellAccess.allOrNothing(() -> {
            m.forEach(this::put);
            return null;
        });
    }

    @Override
    public V remove(Object key) {
        Objects.requireNonNull(key, "key");
        return call(() -> {
            Cell c = cellOf(key);
            V old = valueIn(c);
            if (old != null) {
                write(c, old, null);
            }
            return old;
        });
    }

    @Override
    public boolean remove(Object key, Object value) {
        Objects.requireNonNull(key, "key");
        if (value == null) {
            return false;
        }
        return call(() -> {
            Cell c = cellOf(key);
            V old = valueIn(c);
            if (value.equals(old)) {
                write(c, old, null);
                return true;
            }
            return false;
        });
    }

    @Override
    public boolean replace(K key, V oldValue, V newValue) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(oldValue, "value");
        Objects.requireNonNull(newValue, "value");
        return call(() -> {
            Cell c = cellOf(key);
            V old = valueIn(c);
            if (oldValue.equals(old)) {
                write(c, old, newValue);
                return true;
            }
            return false;
        });
    }

    @Override
    public V replace(K key, V value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        return call(() -> {
            Cell c = cellOf(key);
            V old = valueIn(c);
            if (old != null) {
                write(c, old, value);
            }
            return old;
        });
    }

    @Override
    public V computeIfAbsent(K key, Function<? super K, ? extends V> mappingFunction) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(mappingFunction, "mappingFunction");
        return call(() -> {
            Cell c = cellOf(key);
            V old = valueIn(c);
            if (old != null) {
                return old;
            }
            V v = mappingFunction.apply(key);
            if (v != null) {
                write(c, null, v);
            }
            return v;
        });
    }

    @Override
    public V computeIfPresent(K key, BiFunction<? super K, ? super V, ? extends V> remappingFunction) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(remappingFunction, "remappingFunction");
        return call(() -> {
            Cell c = cellOf(key);
            V old = valueIn(c);
            if (old == null) {
                return null;
            }
            V v = remappingFunction.apply(key, old);
            write(c, old, v);
            return v;
        });
    }

    @Override
    public V compute(K key, BiFunction<? super K, ? super V, ? extends V> remappingFunction) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(remappingFunction, "remappingFunction");
        return call(() -> {
            Cell c = cellOf(key);
            V old = valueIn(c);
            V v = remappingFunction.apply(key, old);
            write(c, old, v);
            return v;
        });
    }

    @Override
    public V merge(K key, V value, BiFunction<? super V, ? super V, ? extends V> remappingFunction) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(remappingFunction, "remappingFunction");
        return call(() -> {
            Cell c = cellOf(key);
            V old = valueIn(c);
            V v = old == null ? value : remappingFunction.apply(old, value);
            write(c, old, v);
            return v;
        });
    }

    @Override
    public void forEach(BiConsumer<? super K, ? super V> action) {
        Objects.requireNonNull(action, "action");
        read(() -> {
            for (Iterator<Map.Entry<K, V>> it = new Entries(); it.hasNext(); ) {
                Map.Entry<K, V> e = it.next();
                action.accept(e.getKey(), e.getValue());
            }
            return null;
        });
    }

    @Override
    public void replaceAll(BiFunction<? super K, ? super V, ? extends V> function) {
        Objects.requireNonNull(function, "function");
        call(() -> {
            for (Iterator<Map.Entry<K, V>> it = new Entries(); it.hasNext(); ) {
                Map.Entry<K, V> e = it.next();
                V v = Objects.requireNonNull(function.apply(e.getKey(), e.getValue()), "value");
                put(e.getKey(), v);
            }
            return null;
        });
    }

    @Override
    public void clear() {
        call(() -> {
            for (Iterator<Map.Entry<K, V>> it = new Entries(); it.hasNext(); ) {
                remove(it.next().getKey());
            }
            return null;
        });
    }

    @Override
    public boolean equals(Object o) {
        return o == this || read(() -> super.equals(o));
    }

    @Override
    public int hashCode() {
        return read(super::hashCode);
    }

    @Override
    public String toString() {
        return read(super::toString);
    }

    // ------------------------------------------------------------------ views

    @Override
    public Set<K> keySet() {
        Set<K> s = keySet;
        return s != null ? s : (keySet = new KeySet());
    }

    @Override
    public Collection<V> values() {
        Collection<V> v = values;
        return v != null ? v : (values = new Values());
    }

    @Override
    public Set<Map.Entry<K, V>> entrySet() {
        Set<Map.Entry<K, V>> s = entrySet;
        return s != null ? s : (entrySet = new EntrySet());
    }

    /**
     * An iterator over the entries. Inside a transaction it reads the cells as it goes (every
     * stripe first, so that a commit adding or removing a key conflicts with it) and checks at its
     * end that its snapshot still holds; outside one, it iterates a snapshot taken now, in one
     * transaction. {@code remove} removes the last key returned from the map.
     */
    private final class Entries implements Iterator<Map.Entry<K, V>> {
        private final Iterator<Map.Entry<Object, Cell>> cellIt;
        private final Iterator<Map.Entry<K, V>> copyIt;
        private Map.Entry<K, V> next;
        private K last;
        private boolean ended;

        Entries() {
            if (CellAccess.inTransaction()) {
                if (CellAccess.recordsReads()) {
                    sumStripes();
                }
                cellIt = cells.entrySet().iterator();
                copyIt = null;
            } else {
                cellIt = null;
                copyIt = read(() -> {
                    List<Map.Entry<K, V>> copy = new ArrayList<>();
                    for (Iterator<Map.Entry<K, V>> it = new Entries(); it.hasNext(); ) {
                        copy.add(it.next());
                    }
                    return copy;
                }).iterator();
            }
        }

        @Override
        @SuppressWarnings("unchecked")
        public boolean hasNext() {
            if (copyIt != null) {
                return copyIt.hasNext();
            }
            while (next == null && !ended) {
                if (!cellIt.hasNext()) {
                    ended = true;
                    checkEnd();
                    break;
                }
                Map.Entry<Object, Cell> e = cellIt.next();
                Object v = CellAccess.get(e.getValue());
                if (v != null && v != RETIRED) {
                    next = new Entry((K) e.getKey(), (V) v);
                }
            }
            return next != null;
        }

        /** The end of the iteration: no key the snapshot holds may have been missed. */
        private void checkEnd() {
            if (CellAccess.recordsReads()) {
                sumStripes(); // re-read: one that changed since the first reading fails (no extension)
            } else if (CellAccess.inTransaction() && retiredSince.get() > CellAccess.snapshot()) {
                throw CellAccess.conflict(stripes[0]);
            }
        }

        @Override
        public Map.Entry<K, V> next() {
            if (copyIt != null) {
                Map.Entry<K, V> e = copyIt.next();
                last = e.getKey();
                return new Entry(e.getKey(), e.getValue());
            }
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            Map.Entry<K, V> e = next;
            next = null;
            last = e.getKey();
            return e;
        }

        @Override
        public void remove() {
            if (last == null) {
                throw new IllegalStateException("next() has not been called, or remove() already was");
            }
            TxHashMap.this.remove(last);
            last = null;
        }
    }

    /** An entry whose {@code setValue} writes through to the map, as a {@code ConcurrentHashMap}'s does. */
    private final class Entry extends AbstractMap.SimpleEntry<K, V> {
        private static final long serialVersionUID = 1L;

        Entry(K key, V value) {
            super(key, value);
        }

        @Override
        public V setValue(V value) {
            Objects.requireNonNull(value, "value");
            V old = super.setValue(value);
            put(getKey(), value);
            return old;
        }
    }

    /** The common part of the views: each method is one transaction outside any. */
    private abstract class View<E> extends java.util.AbstractCollection<E> {
        @Override
        public int size() {
            return TxHashMap.this.size();
        }

        @Override
        public boolean isEmpty() {
            return TxHashMap.this.isEmpty();
        }

        @Override
        public void clear() {
            TxHashMap.this.clear();
        }

        @Override
        public Object[] toArray() {
            return read(super::toArray);
        }

        @Override
        public <T> T[] toArray(T[] a) {
            return read(() -> super.toArray(a));
        }

        @Override
        public boolean containsAll(Collection<?> c) {
            return read(() -> super.containsAll(c));
        }

        @Override
        public boolean removeAll(Collection<?> c) {
            Objects.requireNonNull(c);
            return call(() -> super.removeAll(c));
        }

        @Override
        public boolean retainAll(Collection<?> c) {
            Objects.requireNonNull(c);
            return call(() -> super.retainAll(c));
        }

        @Override
        public boolean removeIf(java.util.function.Predicate<? super E> filter) {
            Objects.requireNonNull(filter);
            return call(() -> super.removeIf(filter));
        }

        @Override
        public String toString() {
            return read(super::toString);
        }
    }

    /** The entries' iterator seen through {@code part} (the key or the value); {@code remove} removes the entry. */
    private <T> Iterator<T> entriesAs(Function<Map.Entry<K, V>, T> part) {
        Iterator<Map.Entry<K, V>> it = new Entries();
        return new Iterator<T>() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public T next() {
                return part.apply(it.next());
            }

            @Override
            public void remove() {
                it.remove();
            }
        };
    }

    /** {@link Set#equals} for a view that is a set: the same size and all of {@code o}'s elements, in one snapshot. */
    private boolean setEquals(Set<?> view, Object o) {
        return o == view || o instanceof Set && read(() -> {
            Set<?> s = (Set<?>) o;
            return s.size() == size() && view.containsAll(s);
        });
    }

    private final class KeySet extends View<K> implements Set<K> {
        @Override
        public Iterator<K> iterator() {
            return entriesAs(Map.Entry::getKey);
        }

        @Override
        public boolean contains(Object o) {
            return containsKey(o);
        }

        @Override
        public boolean remove(Object o) {
            return TxHashMap.this.remove(o) != null;
        }

        @Override
        public boolean equals(Object o) {
            return setEquals(this, o);
        }

        @Override
        public int hashCode() {
            return read(() -> {
                int h = 0;
                for (K k : this) {
                    h += k.hashCode();
                }
                return h;
            });
        }
    }

    private final class Values extends View<V> {
        @Override
        public Iterator<V> iterator() {
            return entriesAs(Map.Entry::getValue);
        }

        @Override
        public boolean contains(Object o) {
            return containsValue(o);
        }
    }

    private final class EntrySet extends View<Map.Entry<K, V>> implements Set<Map.Entry<K, V>> {
        @Override
        public Iterator<Map.Entry<K, V>> iterator() {
            return new Entries();
        }

        @Override
        public boolean contains(Object o) {
            if (!(o instanceof Map.Entry)) {
                return false;
            }
            Map.Entry<?, ?> e = (Map.Entry<?, ?>) o;
            Object k = e.getKey();
            Object v = e.getValue();
            return k != null && v != null && v.equals(get(k));
        }

        @Override
        public boolean remove(Object o) {
            if (!(o instanceof Map.Entry)) {
                return false;
            }
            Map.Entry<?, ?> e = (Map.Entry<?, ?>) o;
            Object k = e.getKey();
            return k != null && TxHashMap.this.remove(k, e.getValue());
        }

        @Override
        public boolean equals(Object o) {
            return setEquals(this, o);
        }

        @Override
        public int hashCode() {
            return TxHashMap.this.hashCode();
        }
    }

    // ------------------------------------------------------------------ serialization

    /** Serialized as a snapshot of its entries (taken in one transaction), read back as a new map. */
    private Object writeReplace() {
        return new SerialForm(read(() -> new LinkedHashMap<Object, Object>(this)));
    }

    private void readObject(ObjectInputStream in) throws java.io.InvalidObjectException {
        throw new java.io.InvalidObjectException("a TxMap is read through its serial form");
    }

    private static final class SerialForm implements Serializable {
        private static final long serialVersionUID = 1L;
        private final LinkedHashMap<Object, Object> entries;

        SerialForm(LinkedHashMap<Object, Object> entries) {
            this.entries = entries;
        }

        private Object readResolve() {
            TxHashMap<Object, Object> m = new TxHashMap<>();
            m.putAll(entries);
            return m;
        }
    }
}
