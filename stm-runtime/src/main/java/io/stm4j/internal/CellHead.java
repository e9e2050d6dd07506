package io.stm4j.internal;

/**
 * The fields of a {@link Cell} that every read loads: its lock word, its head, and the home that
 * a field access checks, declared in a superclass so that the JVM lays them out first, within the
 * object's first 48 bytes (the JVM puts a class's own fields after its superclass's, and orders
 * them by size within a class), so that they share one cache line more often than not.
 */
abstract class CellHead {
    /** {@link #meta}'s bit for "an install is rewriting the head": readers read again. */
    static final long INSTALLING = 1L;

    volatile Txn owner;
    /**
     * The head's stamp (the global clock tick of the commit that installed it) shifted left by
     * one, or'ed with {@link #INSTALLING} while an install rewrites the head. Written only by the
     * lock holder.
     */
    volatile long meta;
    /** The head's value, if a reference (the seqlock of {@link #meta} guards it, as the next three). */
    Object ref;
    /** The head's value, if a primitive: its bits. */
    long prim;
    /** The head's key version: how many commits wrote the cell (Axon.STM's version). */
    long seq;
    /**
     * For a field's cell, the object whose field it backs (null for a static field): a shallow copy
     * of the object ({@code clone()}, a Mockito spy) copies the reference to the cell too, and
     * comparing {@code home} tells the copy to take a cell of its own. Every access through a
     * field compares it, hence here. For any other cell, its name ({@link Cell#name()}): the store
     * key, or the collection's name.
     */
    final Object home;

    CellHead(Object home) {
        this.home = home;
    }

    /**
     * The seqlock's check, for a reader that loaded {@code meta} as {@code m} and then the head's
     * fields it wants: whether those fields are the head of stamp {@code m >>> 1}, that is, no
     * install was under way at the first load and none began before this one.
     */
    final boolean steady(long m) {
        java.lang.invoke.VarHandle.loadLoadFence(); // the fields' loads before meta's second
        return (m & INSTALLING) == 0 && meta == m;
    }
}
