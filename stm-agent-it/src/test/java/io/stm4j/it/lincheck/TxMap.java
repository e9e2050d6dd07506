package io.stm4j.it.lincheck;

import io.stm4j.Atomic;
import io.stm4j.Shared;
import java.util.Map;
import java.util.TreeMap;

/**
 * A fixed-capacity hash map of {@code int} keys built on {@code @Shared} fields: each bucket holds
 * an immutable chain in one {@code @Shared} field, and the size is another. Every operation that
 * touches more than one field (a bucket and the size, two buckets, all buckets) is an
 * {@code @Atomic} method, so it is all-or-nothing and sees one consistent snapshot.
 */
public final class TxMap {

    /** An immutable link of a bucket's chain. */
    private static final class Node {
        final int key;
        final int value;
        final Node next;

        Node(int key, int value, Node next) {
            this.key = key;
            this.value = value;
            this.next = next;
        }
    }

    /** One bucket: its chain lives in a {@code @Shared} field. */
    private static final class Bucket {
        @Shared Node head;
    }

    private final Bucket[] buckets;
    @Shared private int size;

    /** @param capacity how many buckets (fixed; keys collide once there are more keys than buckets) */
    public TxMap(int capacity) {
        buckets = new Bucket[capacity];
        for (int i = 0; i < capacity; i++) {
            buckets[i] = new Bucket();
        }
    }

    private Bucket bucket(int key) {
        return buckets[Math.floorMod(key, buckets.length)];
    }

    private static Node find(Node n, int key) {
        while (n != null && n.key != key) {
            n = n.next;
        }
        return n;
    }

    private static Node without(Node n, int key) {
        if (n == null) {
            return null;
        }
        if (n.key == key) {
            return n.next;
        }
        return new Node(n.key, n.value, without(n.next, key));
    }

    /**
     * @param key the key
     * @return its value, or null if absent
     */
    @Atomic(readOnly = true)
    public Integer get(int key) {
        Node n = find(bucket(key).head, key);
        return n == null ? null : n.value;
    }

    /**
     * @param key the key
     * @param value the new value
     * @return the previous value, or null if the key was absent
     */
    @Atomic
    public Integer put(int key, int value) {
        Bucket b = bucket(key);
        Node old = find(b.head, key);
        b.head = new Node(key, value, without(b.head, key));
        if (old == null) {
            size++;
            return null;
        }
        return old.value;
    }

    /**
     * @param key the key
     * @return the value removed, or null if the key was absent
     */
    @Atomic
    public Integer remove(int key) {
        Bucket b = bucket(key);
        Node old = find(b.head, key);
        if (old == null) {
            return null;
        }
        b.head = without(b.head, key);
        size--;
        return old.value;
    }

    /**
     * Moves the value of {@code from} to {@code to} (replacing what {@code to} held), all or nothing.
     *
     * @param from the key to take the value from
     * @param to the key to give it to
     * @return whether {@code from} was present (nothing changes otherwise)
     */
    @Atomic
    public boolean move(int from, int to) {
        Integer v = remove(from); // nested @Atomic methods join this transaction
        if (v == null) {
            return false;
        }
        put(to, v);
        return true;
    }

    /** @return the number of keys, read in a read-only transaction (see {@link TxCounter#get()}) */
    @Atomic(readOnly = true)
    public int size() {
        return size;
    }

    /** @return all entries, sorted by key, and the size, read as one snapshot */
    @Atomic(readOnly = true)
    public String snapshot() {
        Map<Integer, Integer> all = new TreeMap<>();
        for (Bucket b : buckets) {
            for (Node n = b.head; n != null; n = n.next) {
                all.put(n.key, n.value);
            }
        }
        return all + " size=" + size;
    }
}
