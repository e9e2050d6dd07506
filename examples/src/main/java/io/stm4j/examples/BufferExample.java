package io.stm4j.examples;

import io.stm4j.Atomic;
import io.stm4j.Shared;
import io.stm4j.Stm;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bounded buffer: producers and consumers share a small ring buffer. A producer that finds it full,
 * or a consumer that finds it empty, calls {@link Stm#retry()}: the transaction is abandoned and the
 * thread sleeps until something it read changes, then tries again. No locks, no condition
 * variables, no lost wake-ups, and {@code take()} composes with other transactional work (here, a
 * delivery counter) into one atomic step.
 */
public final class BufferExample {
    static final int PRODUCERS = 3;
    static final int CONSUMERS = 2;
    static final int CAPACITY = 8;

    private BufferExample() {
    }

    /** One item: who made it and its sequence number for that producer; a poison pill has producer -1. */
    record Item(int producer, long seq) {
        static final Item POISON = new Item(-1, -1);
    }

    /**
     * One slot of the ring. The elements of an array are not transactional (only the array reference
     * is), so each slot is an object with a {@code @Shared} field.
     */
    static final class Slot {
        @Shared
        Object item;
    }

    /** A bounded FIFO buffer. */
    static final class BoundedBuffer<T> {
        private final Slot[] slots;
        @Shared
        private int head;
        @Shared
        private int count;
        /** Not shared: how often put/take found the buffer full/empty and waited. */
        final AtomicLong putWaits = new AtomicLong();
        final AtomicLong takeWaits = new AtomicLong();

        BoundedBuffer(int capacity) {
            slots = new Slot[capacity];
            for (int i = 0; i < capacity; i++) {
                slots[i] = new Slot();
            }
        }

        /** Adds {@code item} at the tail, waiting while the buffer is full. */
        @Atomic
        void put(T item) {
            if (count == slots.length) {
                putWaits.incrementAndGet();
                Stm.retry(); // wakes up when count (or head) changes
            }
            slots[(head + count) % slots.length].item = item;
            count++;
        }

        /** Removes the item at the head, waiting while the buffer is empty. */
        @Atomic
        @SuppressWarnings("unchecked")
        T take() {
            if (count == 0) {
                takeWaits.incrementAndGet();
                Stm.retry();
            }
            Slot s = slots[head];
            T item = (T) s.item;
            s.item = null;
            head = (head + 1) % slots.length;
            count--;
            return item;
        }

        @Atomic(readOnly = true)
        int size() {
            return count;
        }
    }

    /** A delivery: the item and its place in the one global order in which items left the buffer. */
    record Delivery(long order, int consumer, Item item) {
    }

    /** Takes the next item and numbers it, in one transaction: nested @Atomic calls compose. */
    static final class Counter {
        @Shared
        long delivered;

        @Atomic
        Delivery takeNext(BoundedBuffer<Item> buffer, int consumer) {
            Item item = buffer.take();
            return new Delivery(item == Item.POISON ? -1 : ++delivered, consumer, item);
        }
    }

    /** What the run showed. */
    record Report(int itemsPerProducer, long[] sent, List<List<Delivery>> received, long putWaits, long takeWaits,
                  int leftInBuffer, boolean finished, long nanos, String problem) {
        boolean ok() {
            return finished && problem == null;
        }
    }

    /**
     * Runs the example.
     *
     * @param itemsPerProducer how many items each producer puts
     * @param out where to print
     * @return what happened
     */
    static Report run(int itemsPerProducer, PrintStream out) throws InterruptedException {
        out.printf("%d producers each put %s numbered items into a buffer of %d slots; %d consumers take them.%n"
                        + "put() on a full buffer and take() on an empty one call Stm.retry() and sleep until the%n"
                        + "buffer changes. Each take() is numbered by a @Shared counter in the same transaction, so%n"
                        + "the numbers give the one order in which items left the buffer.%n%n",
                PRODUCERS, Table.n(itemsPerProducer), CAPACITY, CONSUMERS);
        BoundedBuffer<Item> buffer = new BoundedBuffer<>(CAPACITY);
        Counter counter = new Counter();
        long[] sent = new long[PRODUCERS];
        AtomicLong sentSoFar = new AtomicLong();
        List<Thread> producers = new ArrayList<>();
        for (int p = 0; p < PRODUCERS; p++) {
            int id = p;
            producers.add(new Thread(() -> {
                for (long seq = 0; seq < itemsPerProducer; seq++) {
                    buffer.put(new Item(id, seq));
                    sent[id]++;
                    sentSoFar.incrementAndGet();
                }
            }, "producer " + (p + 1)));
        }
        List<List<Delivery>> received = new ArrayList<>();
        List<Thread> consumers = new ArrayList<>();
        for (int c = 0; c < CONSUMERS; c++) {
            int id = c;
            List<Delivery> mine = new ArrayList<>();
            received.add(mine);
            consumers.add(new Thread(() -> {
                while (true) {
                    Delivery d = counter.takeNext(buffer, id);
                    if (d.item() == Item.POISON) {
                        return;
                    }
                    mine.add(d);
                }
            }, "consumer " + (c + 1)));
        }
        long total = (long) PRODUCERS * itemsPerProducer;
        long start = System.nanoTime();
        boolean finished;
        try (Progress p = Progress.everySecond(out, "buffer", () -> {
            long delivered = counter.delivered;
            return Progress.bar(delivered, total) + "  " + Table.n(delivered) + " delivered, "
                    + buffer.size() + " in the buffer, waits: " + Table.n(buffer.putWaits.get()) + " full / "
                    + Table.n(buffer.takeWaits.get()) + " empty";
        })) {
            consumers.forEach(Thread::start);
            producers.forEach(Thread::start);
            finished = BankExample.joinAll(producers, TimeUnit.MINUTES.toNanos(5));
            for (int c = 0; c < CONSUMERS && finished; c++) {
                buffer.put(Item.POISON); // one per consumer: after every real item, since the buffer is FIFO
            }
            finished &= BankExample.joinAll(consumers, TimeUnit.MINUTES.toNanos(1));
        }
        long nanos = System.nanoTime() - start;
        if (!finished) {
            producers.forEach(Thread::interrupt);
            consumers.forEach(Thread::interrupt);
        }
        Report r = new Report(itemsPerProducer, sent, received, buffer.putWaits.get(), buffer.takeWaits.get(),
                buffer.size(), finished, nanos, finished ? check(received, itemsPerProducer) : "did not finish");
        print(r, out);
        return r;
    }

    /** Every item exactly once, and each producer's items in the order it put them; null when so. */
    static String check(List<List<Delivery>> received, int itemsPerProducer) {
        List<Delivery> all = new ArrayList<>();
        received.forEach(all::addAll);
        all.sort(Comparator.comparingLong(Delivery::order));
        long[] next = new long[PRODUCERS];
        for (int i = 0; i < all.size(); i++) {
            Delivery d = all.get(i);
            if (d.order() != i + 1) {
                return "delivery numbers are not 1.." + all.size() + ": found " + d.order() + " at place " + (i + 1);
            }
            int p = d.item().producer();
            if (d.item().seq() != next[p]) {
                return "producer " + (p + 1) + "'s item " + d.item().seq() + " came where item " + next[p]
                        + " was due (lost, duplicated or out of order)";
            }
            next[p]++;
        }
        for (int p = 0; p < PRODUCERS; p++) {
            if (next[p] != itemsPerProducer) {
                return "producer " + (p + 1) + ": " + next[p] + " of " + itemsPerProducer + " items delivered";
            }
        }
        return null;
    }

    private static void print(Report r, PrintStream out) {
        Table t = new Table("thread", "items put", "items taken");
        for (int p = 0; p < PRODUCERS; p++) {
            t.row("producer " + (p + 1), r.sent[p], "");
        }
        for (int c = 0; c < CONSUMERS; c++) {
            t.row("consumer " + (c + 1), "", r.received.get(c).size());
        }
        long sent = java.util.Arrays.stream(r.sent).sum();
        long taken = r.received.stream().mapToLong(List::size).sum();
        t.rule().row("all", sent, taken).print(out);
        out.println();
        new Table("", "count")
                .row("put() found the buffer full and waited", r.putWaits)
                .row("take() found the buffer empty and waited", r.takeWaits)
                .row("items left in the buffer", r.leftInBuffer)
                .row("time", Table.seconds(r.nanos))
                .print(out);
        out.println();
        out.printf("every item delivered exactly once, each producer's items in order: %s%n",
                r.problem == null ? "yes (" + Table.n(taken) + " of " + Table.n(sent) + ")" : "NO: " + r.problem);
    }
}
