package io.stm4j.internal;

import java.util.Arrays;

/**
 * A transaction's second layer: the values it has written, buffered until the commit publishes
 * them. Parallel arrays (cell, reference value, primitive bits, the scope that wrote it), a
 * 64-bit bloom filter in front of every lookup, a linear search up to {@link #LINEAR_MAX} entries
 * and an open-addressing index of entry numbers beyond that.
 */
abstract class WriteSet extends ReadSet {
    /** Up to this many entries a lookup scans; beyond, the index is built and kept. */
    static final int LINEAR_MAX = 8;

    Cell[] wCells = new Cell[8];
    Object[] wRefs = new Object[8];
    long[] wPrims = new long[8];
    /** The scope ({@link Scopes}) that last wrote each entry. */
    int[] wScope = new int[8];
    int nWrites;
    private long bloom;
    /** Entry number + 1 per slot, 0 for an empty slot; used while {@link #indexed}. */
    private int[] index = new int[32];
    private boolean indexed;

    WriteSet() {
    }

    /** @return the entry of {@code c}, or -1 if this transaction has not written it */
    final int findWrite(Cell c) {
        if ((bloom & (1L << (c.hash & 63))) == 0L) {
            return -1;
        }
        if (!indexed) {
            Cell[] cs = wCells;
            for (int i = 0, n = nWrites; i < n; i++) {
                if (cs[i] == c) {
                    return i;
                }
            }
            return -1;
        }
        int mask = index.length - 1;
        for (int s = (c.hash >>> 6) & mask; ; s = (s + 1) & mask) {
            int e = index[s];
            if (e == 0) {
                return -1;
            }
            if (wCells[e - 1] == c) {
                return e - 1;
            }
        }
    }

    /** Adds an entry for {@code c}, which has none, written by {@code scope}. */
    final void appendWrite(Cell c, Object ref, long prim, int scope) {
        int n = nWrites;
        if (n == wCells.length) {
            int cap = n * 2;
            wCells = Arrays.copyOf(wCells, cap);
            wRefs = Arrays.copyOf(wRefs, cap);
            wPrims = Arrays.copyOf(wPrims, cap);
            wScope = Arrays.copyOf(wScope, cap);
        }
        wCells[n] = c;
        wRefs[n] = ref;
        wPrims[n] = prim;
        wScope[n] = scope;
        nWrites = n + 1;
        bloom |= 1L << (c.hash & 63);
        if (indexed) {
            if (nWrites * 2 > index.length) {
                rebuildIndex();
            } else {
                indexInsert(c, n);
            }
        } else if (nWrites > LINEAR_MAX) {
            rebuildIndex();
        }
    }

    /**
     * Drops the entries from {@code mark} on (an inner scope's, undone). The bloom filter keeps
     * their bits (a false positive costs only a search); the index is rebuilt without them.
     */
    final void truncateWrites(int mark) {
        if (nWrites > mark) {
            Arrays.fill(wCells, mark, nWrites, null);
            Arrays.fill(wRefs, mark, nWrites, null);
            nWrites = mark;
            if (indexed) {
                rebuildIndex();
            }
        }
    }

    /** Drops every entry. */
    final void clearWrites() {
        if (nWrites > 0) {
            Arrays.fill(wRefs, 0, nWrites, null);
            Arrays.fill(wCells, 0, nWrites, null);
            nWrites = 0;
        }
        if (indexed) {
            Arrays.fill(index, 0);
            indexed = false;
        }
        bloom = 0L;
    }

    /** @return whether lookups use the index (more than {@link #LINEAR_MAX} entries) */
    final boolean isIndexed() {
        return indexed;
    }

    private void rebuildIndex() {
        int size = Integer.highestOneBit(Math.max(16, nWrites * 4) - 1) << 1;
        if (index.length != size) {
            index = new int[size];
        } else {
            Arrays.fill(index, 0);
        }
        indexed = nWrites > LINEAR_MAX;
        if (indexed) {
            for (int i = 0; i < nWrites; i++) {
                indexInsert(wCells[i], i);
            }
        }
    }

    private void indexInsert(Cell c, int i) {
        int mask = index.length - 1;
        int s = (c.hash >>> 6) & mask;
        while (index[s] != 0) {
            s = (s + 1) & mask;
        }
        index[s] = i + 1;
    }
}
