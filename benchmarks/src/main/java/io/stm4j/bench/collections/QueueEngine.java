package io.stm4j.bench.collections;

import io.stm4j.collections.TxQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.multiverse.api.GlobalStmInstance;
import org.multiverse.api.StmUtils;
import org.multiverse.api.callables.TxnBooleanCallable;
import org.multiverse.api.callables.TxnCallable;
import org.multiverse.api.callables.TxnIntCallable;
import org.multiverse.collections.NaiveTxnCollectionFactory;
import org.multiverse.collections.NaiveTxnLinkedList;

/**
 * One bounded FIFO queue ({@value #CAPACITY} places) under {@link CollectionBench}: {@link #offer}
 * and {@link #poll} never wait, and each is one transaction of the engine's (or, for
 * {@link LinkedBlockingQueue}, one call). ScalaSTM 0.11 has no queue.
 */
interface QueueEngine {
    int CAPACITY = 1024;

    boolean offer(Long e);

    Long poll();

    int size();

    /**
     * @param name an engine name
     * @return a new, empty queue engine of that name
     */
    static QueueEngine create(String name) {
        switch (name) {
            case "stm4j": {
                TxQueue<Long> q = TxQueue.create(CAPACITY);
                return new QueueEngine() {
                    @Override
                    public boolean offer(Long e) {
                        return q.offer(e);
                    }

                    @Override
                    public Long poll() {
                        return q.poll();
                    }

                    @Override
                    public int size() {
                        return q.size();
                    }
                };
            }
            case "multiverse": {
                NaiveTxnLinkedList<Long> q =
                        new NaiveTxnCollectionFactory(GlobalStmInstance.getGlobalStmInstance()).newQueue(CAPACITY);
                return new QueueEngine() {
                    @Override
                    public boolean offer(Long e) {
                        return StmUtils.atomic((TxnBooleanCallable) tx -> q.offer(tx, e));
                    }

                    @Override
                    public Long poll() {
                        return StmUtils.atomic((TxnCallable<Long>) tx -> q.poll(tx));
                    }

                    @Override
                    public int size() {
                        return StmUtils.atomic((TxnIntCallable) tx -> q.size(tx));
                    }
                };
            }
            case "lbq": {
                LinkedBlockingQueue<Long> q = new LinkedBlockingQueue<>(CAPACITY);
                return new QueueEngine() {
                    @Override
                    public boolean offer(Long e) {
                        return q.offer(e);
                    }

                    @Override
                    public Long poll() {
                        return q.poll();
                    }

                    @Override
                    public int size() {
                        return q.size();
                    }
                };
            }
            default:
                throw new IllegalArgumentException("unknown queue engine '" + name + "'; known: stm4j, multiverse, lbq");
        }
    }
}
