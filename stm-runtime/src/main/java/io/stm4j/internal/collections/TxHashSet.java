package io.stm4j.internal.collections;

import io.stm4j.collections.TxSet;
import io.stm4j.internal.CellAccess;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * {@link TxSet}: the key set of a {@link TxHashMap} whose values are all {@link Boolean#TRUE}, so it
 * has the map's promises (one cell per element, striped size, live transactional iteration).
 * Every bulk operation is one transaction outside any other; {@code addAll} checks its argument for
 * {@code null} before it writes anything.
 */
public final class TxHashSet<E> extends AbstractSet<E> implements TxSet<E>, Serializable {
    private static final long serialVersionUID = 1L;

    private final transient TxHashMap<E, Boolean> map = new TxHashMap<>();

    /** An empty set. */
    public TxHashSet() {
    }

    private static <T> T call(Supplier<T> body) {
        return CellAccess.atomic(body, false);
    }

    private static <T> T read(Supplier<T> body) {
        return CellAccess.atomic(body, true);
    }

    @Override
    public int size() {
        return map.size();
    }

    @Override
    public boolean isEmpty() {
        return map.isEmpty();
    }

    @Override
    public boolean contains(Object o) {
        return map.containsKey(Objects.requireNonNull(o, "element"));
    }

    @Override
    public boolean add(E e) {
        return map.putIfAbsent(Objects.requireNonNull(e, "element"), Boolean.TRUE) == null;
    }

    @Override
    public boolean remove(Object o) {
        return map.remove(Objects.requireNonNull(o, "element")) != null;
    }

    @Override
    public Iterator<E> iterator() {
        return map.keySet().iterator();
    }

    @Override
    public void clear() {
        map.clear();
    }

    @Override
    public boolean addAll(Collection<? extends E> c) {
        // one pass to copy (the argument may be this set or change under us), one to check, then one transaction
        Collection<? extends E> items = c == this ? new ArrayList<>(this) : c;
        for (E e : items) {
            Objects.requireNonNull(e, "element");
        }
        return call(() -> {
            boolean changed = false;
            for (E e : items) {
                changed |= add(e);
            }
            return changed;
        });
    }

    @Override
    public boolean containsAll(Collection<?> c) {
        Objects.requireNonNull(c, "c");
        return read(() -> {
            for (Object o : c) {
                if (!contains(o)) {
                    return false;
                }
            }
            return true;
        });
    }

    @Override
    public boolean removeAll(Collection<?> c) {
        Objects.requireNonNull(c, "c");
        return call(() -> super.removeAll(c));
    }

    @Override
    public boolean retainAll(Collection<?> c) {
        Objects.requireNonNull(c, "c");
        return call(() -> super.retainAll(c));
    }

    @Override
    public boolean removeIf(Predicate<? super E> filter) {
        Objects.requireNonNull(filter, "filter");
        return call(() -> super.removeIf(filter));
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

    // ------------------------------------------------------------------ serialization

    /** Serialized as a snapshot of its elements (taken in one transaction), read back as a new set. */
    private Object writeReplace() {
        return new SerialForm(read(() -> new ArrayList<Object>(this)));
    }

    private void readObject(ObjectInputStream in) throws java.io.InvalidObjectException {
        throw new java.io.InvalidObjectException("a TxSet is read through its serial form");
    }

    private static final class SerialForm implements Serializable {
        private static final long serialVersionUID = 1L;
        private final ArrayList<Object> elements;

        SerialForm(ArrayList<Object> elements) {
            this.elements = elements;
        }

        private Object readResolve() {
            TxHashSet<Object> s = new TxHashSet<>();
            s.addAll(elements);
            return s;
        }
    }
}
