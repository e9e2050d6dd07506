/**
 * Transactional collections that are {@code java.util} collections: {@link io.stm4j.collections.TxMap},
 * {@link io.stm4j.collections.TxSet} and {@link io.stm4j.collections.TxQueue}. Each entry, element
 * or end of a queue is its own versioned cell, so transactions on different parts do not
 * conflict. They need no agent: they are transactional in {@code Stm.atomic} blocks and
 * {@code @Atomic} methods alike, and every call outside a transaction is a transaction of its own.
 */
package io.stm4j.collections;
