package io.stm4j.internal.collections;

import io.stm4j.StmException;
import io.stm4j.collections.TxQueue;
import io.stm4j.internal.Cell;
import io.stm4j.internal.CellAccess;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.util.AbstractQueue;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * {@link TxQueue}: a singly linked list of immutable nodes whose links are versioned cells.
 *
 * <p><b>Structure.</b> {@link #head} holds a sentinel node whose {@code next} link is the first
 * element's node; {@link #tail} holds the last node (the sentinel when empty). A node's
 * {@code index} is one more than its predecessor's at the time it was appended, so the size is
 * {@code tail.index - head.index - removedInside}, where {@link #removedInside} counts the nodes
 * unlinked from the middle (by {@code remove(Object)} or an iterator) whose indexes still lie
 * between the head's and the tail's (when the head or the tail moves over such a gap, the count
 * drops by its width). A poll replaces the sentinel by a new one that takes the first node's
 * index and shares its {@code next} cell, so a taken element is not kept reachable.
 *
 * <p><b>The two ends.</b> An offer reads and writes {@code tail} and the last node's {@code next};
 * a poll reads and writes {@code head} and reads the sentinel's {@code next}. They share a cell only
 * when the queue is empty (the sentinel is the last node). A bounded offer must know that there is
 * room without reading {@code head} as a recorded read (which every poll would invalidate): it reads
 * {@code head} and then {@code removedInside} from its snapshot unrecorded. Both only ever give more
 * room later (the head only advances, and a poll that lowers {@code removedInside} advances the
 * head by more), and {@code tail}, which only offers change, is recorded; so an offer that saw room
 * has room when it commits. Only when it sees none does it read {@code head} recorded, so that a
 * poll that makes room wakes or invalidates it.
 */
public final class TxLinkedQueue<E> extends AbstractQueue<E> implements TxQueue<E>, Serializable {
    private static final long serialVersionUID = 1L;
    private static final AtomicInteger NAMES = new AtomicInteger();

    /** An element's node; immutable but for its {@code next} cell (which holds a {@code Node} or null). */
    private static final class Node {
        final Object item;
        final long index;
        final Cell next;

        Node(Object item, long index, Cell next) {
            this.item = item;
            this.index = index;
            this.next = next;
        }
    }

    private final int capacity;
    private final transient String name = "TxQueue#" + NAMES.incrementAndGet();
    private final transient Cell head;
    private final transient Cell tail;
    private final transient Cell removedInside;

    /**
     * @param capacity the most elements it holds ({@link Integer#MAX_VALUE}: unbounded)
     * @throws IllegalArgumentException if {@code capacity < 1}
     */
    public TxLinkedQueue(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        this.capacity = capacity;
        Node sentinel = new Node(null, 0L, CellAccess.newCell(name, null, 0L));
        head = CellAccess.newCell(name, sentinel, 0L);
        tail = CellAccess.newCell(name, sentinel, 0L);
        removedInside = CellAccess.newLongCell(name);
    }

    // ------------------------------------------------------------------ in a transaction

    private static <T> T call(Supplier<T> body) {
        return CellAccess.atomic(body, false);
    }

    private static <T> T read(Supplier<T> body) {
        return CellAccess.atomic(body, true);
    }

    private static Node node(Cell c) {
        return (Node) CellAccess.get(c);
    }

    /** In a transaction: appends {@code e} if there is room. */
    private boolean tryOffer(Object e) {
        Node last = node(tail);
        if (capacity != Integer.MAX_VALUE && !hasRoom(last)) {
            return false;
        }
        Node n = new Node(e, last.index + 1, CellAccess.newCell(name, null, 0L));
        CellAccess.set(last.next, n);
        CellAccess.set(tail, n);
        return true;
    }

    private boolean hasRoom(Node last) {
        long first = ((Node) CellAccess.getUnrecorded(head)).index;
        long inside = CellAccess.getLongUnrecorded(removedInside);
        if (last.index - first - inside < capacity) {
            return true;
        }
        // full as far as the snapshot shows: read recorded, so that a poll making room is noticed
        return last.index - node(head).index - CellAccess.getLong(removedInside) < capacity;
    }

    /** In a transaction: the first element, or null when empty, read without taking it. */
    private Object tryPeek() {
        Node first = node(node(head).next);
        return first == null ? null : first.item;
    }

    /** In a transaction: takes the first element, or null when empty. */
    private Object tryPoll() {
        Node sentinel = node(head);
        Node first = node(sentinel.next);
        if (first == null) {
            return null;
        }
        advanceHead(sentinel, first);
        return first.item;
    }

    /** Makes {@code first} (the sentinel's successor) the new sentinel, without its item. */
    private void advanceHead(Node sentinel, Node first) {
        forgetRemovedBetween(sentinel, first);
        CellAccess.set(head, new Node(null, first.index, first.next));
    }

    /**
     * {@code from} and {@code to} are adjacent nodes, about to stop being counted apart (the head or
     * the tail moves onto one of them): the nodes once unlinked from between them leave the count.
     */
    private void forgetRemovedBetween(Node from, Node to) {
        long skipped = to.index - from.index - 1;
        if (skipped > 0) {
            CellAccess.setLong(removedInside, CellAccess.getLong(removedInside) - skipped);
        }
    }

    /** In a transaction: unlinks {@code target} (whose predecessor is {@code pred}). */
    private void unlink(Node pred, Node target) {
        Node sentinel = node(head);
        if (pred == sentinel) {
            advanceHead(sentinel, target);
        } else if (node(tail) == target) {
            forgetRemovedBetween(pred, target);
            CellAccess.set(pred.next, null);
            CellAccess.set(tail, pred);
        } else {
            CellAccess.set(pred.next, node(target.next));
            CellAccess.setLong(removedInside, CellAccess.getLong(removedInside) + 1);
        }
    }

    /** In a transaction: unlinks the first node for which {@code match} holds. */
    private boolean unlinkFirst(Predicate<Node> match) {
        Node pred = node(head);
        for (Node n = node(pred.next); n != null; pred = n, n = node(n.next)) {
            if (match.test(n)) {
                unlink(pred, n);
                return true;
            }
        }
        return false;
    }

    private long sizeIn() {
        return node(tail).index - node(head).index - CellAccess.getLong(removedInside);
    }

    private static Object element(Object e) {
        return Objects.requireNonNull(e, "element");
    }

    // ------------------------------------------------------------------ waiting

    /** Something that may wait for the queue to change; thrown through as the engine's interruption. */
    @FunctionalInterface
    private interface Waiting<T> {
        T run();
    }

    /**
     * Runs a body that may wait: in the caller's transaction, or outside one as a transaction of its
     * own whose interruption (the engine's {@code StmException} caused by an
     * {@code InterruptedException}) is thrown as that {@code InterruptedException}, flag cleared, as
     * {@code BlockingQueue} callers expect.
     */
    private static <T> T waiting(Waiting<T> body) throws InterruptedException {
        if (CellAccess.inTransaction()) {
            return body.run();
        }
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        try {
            return call(body::run);
        } catch (StmException e) {
            if (e.getCause() instanceof InterruptedException) {
                Thread.interrupted();
                InterruptedException ie = new InterruptedException(e.getMessage());
                ie.initCause(e);
                throw ie;
            }
            throw e;
        }
    }

    private static long nanos(long timeout, TimeUnit unit) {
        Objects.requireNonNull(unit, "unit");
        return Math.max(0L, unit.toNanos(timeout));
    }

    // ------------------------------------------------------------------ BlockingQueue

    @Override
    public boolean offer(E e) {
        element(e);
        return call(() -> tryOffer(e));
    }

    @Override
    public void put(E e) throws InterruptedException {
        element(e);
        waiting(() -> {
            if (!tryOffer(e)) {
                throw CellAccess.retry();
            }
            return null;
        });
    }

    @Override
    public boolean offer(E e, long timeout, TimeUnit unit) throws InterruptedException {
        element(e);
        long nanos = nanos(timeout, unit);
        return waiting(() -> {
            if (tryOffer(e)) {
                return true;
            }
            CellAccess.retryFor(nanos);
            return false;
        });
    }

    @Override
    @SuppressWarnings("unchecked")
    public E poll() {
        return (E) call(this::tryPoll);
    }

    @Override
    @SuppressWarnings("unchecked")
    public E take() throws InterruptedException {
        return (E) waiting(() -> {
            Object e = tryPoll();
            if (e == null) {
                throw CellAccess.retry();
            }
            return e;
        });
    }

    @Override
    @SuppressWarnings("unchecked")
    public E poll(long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = nanos(timeout, unit);
        return (E) waiting(() -> {
            Object e = tryPoll();
            if (e == null) {
                CellAccess.retryFor(nanos);
            }
            return e;
        });
    }

    @Override
    @SuppressWarnings("unchecked")
    public E peek() {
        return (E) read(this::tryPeek);
    }

    @Override
    public int size() {
        return read(() -> (int) Math.min(Integer.MAX_VALUE, sizeIn()));
    }

    @Override
    public int remainingCapacity() {
        return capacity == Integer.MAX_VALUE ? Integer.MAX_VALUE - size() : capacity - size();
    }

    @Override
    public boolean remove(Object o) {
        if (o == null) {
            return false;
        }
        return call(() -> unlinkFirst(n -> o.equals(n.item)));
    }

    @Override
    public boolean contains(Object o) {
        if (o == null) {
            return false;
        }
        return read(() -> {
            for (Node n = node(node(head).next); n != null; n = node(n.next)) {
                if (o.equals(n.item)) {
                    return true;
                }
            }
            return false;
        });
    }

    @Override
    public void clear() {
        call(() -> {
            Node last = node(tail);
            CellAccess.set(head, new Node(null, last.index, last.next));
            if (CellAccess.getLong(removedInside) != 0) {
                CellAccess.setLong(removedInside, 0L);
            }
            return null;
        });
    }

    /**
     * Adds every element of {@code c} in one transaction: all or nothing (a {@code null} among them,
     * or no room for all of them in a bounded queue, adds none), where {@code LinkedBlockingQueue}
     * would keep those added before the failure. Inside a transaction too: a caller that catches
     * the exception finds none of them added.
     */
    @Override
    public boolean addAll(Collection<? extends E> c) {
        Objects.requireNonNull(c, "c");
        if (c == this) {
            throw new IllegalArgumentException("a queue cannot be added to itself");
        }
        List<E> items = new ArrayList<>(c);
        for (E e : items) {
            element(e);
        }
        return CellAccess.allOrNothing(() -> {
            for (E e : items) {
                if (!tryOffer(e)) {
                    throw new IllegalStateException("Queue full");
                }
            }
            return !items.isEmpty();
        });
    }

    @Override
    public boolean removeIf(Predicate<? super E> filter) {
        Objects.requireNonNull(filter, "filter");
        return call(() -> super.removeIf(filter));
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
    public int drainTo(Collection<? super E> c) {
        return drainTo(c, Integer.MAX_VALUE);
    }

    /**
     * Inside a transaction, moves the elements into {@code c} as it takes them (a collection that is
     * not transactional keeps them if the transaction re-runs; give it a transactional one). Outside,
     * takes them in one transaction and adds them to {@code c} after it has committed.
     */
    @Override
    @SuppressWarnings("unchecked")
    public int drainTo(Collection<? super E> c, int maxElements) {
        Objects.requireNonNull(c, "c");
        if (c == this) {
            throw new IllegalArgumentException("a queue cannot be drained into itself");
        }
        if (maxElements <= 0) {
            return 0;
        }
        if (CellAccess.inTransaction()) {
            int n = 0;
            for (Object e; n < maxElements && (e = tryPoll()) != null; n++) {
                c.add((E) e);
            }
            return n;
        }
        List<Object> taken = call(() -> {
            List<Object> l = new ArrayList<>();
            for (Object e; l.size() < maxElements && (e = tryPoll()) != null; ) {
                l.add(e);
            }
            return l;
        });
        for (Object e : taken) {
            c.add((E) e);
        }
        return taken.size();
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
    public String toString() {
        return read(super::toString);
    }

    /**
     * Inside a transaction: the queue as the transaction sees it, read as it goes. Outside: the
     * elements of one snapshot (taken now), weakly consistent as {@code LinkedBlockingQueue}'s
     * iterator is. {@code remove} unlinks the last element returned, if it is still in the queue.
     */
    @Override
    public Iterator<E> iterator() {
        return CellAccess.inTransaction() ? new Walk() : new Copy();
    }

    private abstract class NodeIterator implements Iterator<E> {
        private Node last;

        abstract Node advance();

        @Override
        @SuppressWarnings("unchecked")
        public E next() {
            Node n = advance();
            if (n == null) {
                throw new NoSuchElementException();
            }
            last = n;
            return (E) n.item;
        }

        @Override
        public void remove() {
            Node n = last;
            if (n == null) {
                throw new IllegalStateException("next() has not been called, or remove() already was");
            }
            last = null;
            call(() -> unlinkFirst(x -> x == n));
        }
    }

    private final class Walk extends NodeIterator {
        private Node at = node(head);
        private Node next;

        @Override
        public boolean hasNext() {
            if (next == null) {
                next = node(at.next);
            }
            return next != null;
        }

        @Override
        Node advance() {
            if (!hasNext()) {
                return null;
            }
            at = next;
            next = null;
            return at;
        }
    }

    private final class Copy extends NodeIterator {
        private final Iterator<Node> nodes = read(() -> {
            List<Node> l = new ArrayList<>();
            for (Node n = node(node(head).next); n != null; n = node(n.next)) {
                l.add(n);
            }
            return l;
        }).iterator();

        @Override
        public boolean hasNext() {
            return nodes.hasNext();
        }

        @Override
        Node advance() {
            return nodes.hasNext() ? nodes.next() : null;
        }
    }

    // ------------------------------------------------------------------ serialization

    /** Serialized as its capacity and a snapshot of its elements, read back as a new queue. */
    private Object writeReplace() {
        return new SerialForm(capacity, read(() -> new ArrayList<Object>(this)));
    }

    private void readObject(ObjectInputStream in) throws java.io.InvalidObjectException {
        throw new java.io.InvalidObjectException("a TxQueue is read through its serial form");
    }

    private static final class SerialForm implements Serializable {
        private static final long serialVersionUID = 1L;
        private final int capacity;
        private final ArrayList<Object> elements;

        SerialForm(int capacity, ArrayList<Object> elements) {
            this.capacity = capacity;
            this.elements = elements;
        }

        private Object readResolve() {
            TxLinkedQueue<Object> q = new TxLinkedQueue<>(capacity);
            q.addAll(elements);
            return q;
        }
    }
}
