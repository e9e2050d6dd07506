/**
 * The stm4j engine. Not API: nothing here is for applications, and any of it may change in any
 * release; applications use {@code io.stm4j} ({@link io.stm4j.Stm}, {@link io.stm4j.Store}, the
 * annotations).
 *
 * <p>A few classes are public only because code outside this package must reach them:
 * <ul>
 *   <li>for code the agent generates into user classes: {@link io.stm4j.internal.Cell} (the
 *       field holding a {@code @Shared} field's cell), {@link io.stm4j.internal.FieldMeta} (its
 *       static metadata), {@link io.stm4j.internal.FieldBridge} (the read and write barriers),
 *       {@link io.stm4j.internal.AtomicBridge} and {@link io.stm4j.internal.TxnState} (entering
 *       and leaving {@code @Atomic} methods);</li>
 *   <li>for the agent itself: {@link io.stm4j.internal.AgentSupport} (it reports itself active)
 *       and {@link io.stm4j.internal.Names} (the names it writes into classes);</li>
 *   <li>for stm4j's stores kept elsewhere (stm-etcd): {@link io.stm4j.internal.Participant} (a
 *       resource that joins transactions and decides their commit) and
 *       {@link io.stm4j.internal.KeyCopy} / {@link io.stm4j.internal.KeyCopies} (the private copies
 *       of keys that every store's values and changesets share);</li>
 *   <li>for {@link java.util.ServiceLoader} and JMX: {@link io.stm4j.internal.RuntimeProvider},
 *       {@link io.stm4j.internal.Transactions} (the engine behind {@code Stm}) and
 *       {@link io.stm4j.internal.StoreStatsMXBean}.</li>
 * </ul>
 *
 * <p>How the engine is built: a thread's transaction is one object whose state is layered
 * ({@code ReadSet} → {@code WriteSet} → {@code Scopes} → {@code Txn}); the commit protocol is
 * written once ({@code Commit}); operations outside a transaction are in {@code NonTxn}; progress
 * under contention is {@code ContentionManager}'s; statistics are {@code StatsRecorder} and
 * {@code ThreadStats}, which know nothing of transactions or cells.
 */
package io.stm4j.internal;
