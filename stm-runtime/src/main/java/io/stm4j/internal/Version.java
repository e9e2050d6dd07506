package io.stm4j.internal;

/**
 * One committed version of a {@link Cell}. Immutable but for {@link #prev}, which the cell trims
 * to bound its history. A version holds either a reference ({@link #ref}) or the bits of a
 * primitive ({@link #prim}), so primitive fields never box.
 */
final class Version {
    final Object ref;
    final long prim;
    /** The global clock tick of the commit that published this version. */
    final long stamp;
    /** The key's own version: how many commits wrote it (Axon.STM's version). */
    final long seq;
    /** The version before this one, or null once trimmed. Racy reads see it or null: both safe. */
    Version prev;

    Version(Object ref, long prim, long stamp, long seq, Version prev) {
        this.ref = ref;
        this.prim = prim;
        this.stamp = stamp;
        this.seq = seq;
        this.prev = prev;
    }

    /**
     * Where a transaction's read puts the version it read when that is not the head read in
     * place (the read's slow path): a mutable version, one per thread's transaction, so that no
     * read allocates. Kept out of the transaction's own fields, which every access loads.
     */
    static final class Scratch {
        Object ref;
        long prim;
        long seq;

        void set(Object r, long p, long s) {
            ref = r;
            prim = p;
            seq = s;
        }
    }
}
