package io.stm4j.examples;

import io.stm4j.Atomic;
import io.stm4j.Shared;
import io.stm4j.Stm;
import io.stm4j.StmException;
import io.stm4j.collections.TxMap;
import io.stm4j.collections.TxQueue;
import io.stm4j.collections.TxSet;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Inventory: a warehouse built from the transactional collections. Order desks put orders into
 * two bounded {@link TxQueue}s, one for normal and one for rush orders; pickers fulfil them against
 * the stock of every SKU, kept in a {@link TxMap}; a restocker refills what runs low.
 *
 * <ul>
 *   <li>A picker takes its next order with {@link Stm#orElse(java.util.function.Supplier,
 *       java.util.function.Supplier) Stm.orElse}: a rush order if there is one, else a normal
 *       one; while both queues are empty it waits with {@link Stm#retryFor(Duration)}, and
 *       comes back empty-handed when no order has arrived for {@link #IDLE}.</li>
 *   <li>Taking the order and shipping all of its lines are one {@code @Atomic} transaction. An
 *       order with a line the warehouse cannot fill is rejected whole: the nested
 *       {@code @Atomic ship(..)} throws {@link OutOfStock}, which undoes the stock it had already
 *       taken for the order's earlier lines, and the picker records the rejection instead.</li>
 *   <li>Desks call the queues outside any transaction: {@code put} on a full queue blocks the
 *       desk, as any {@link java.util.concurrent.BlockingQueue}'s does.</li>
 * </ul>
 *
 * <p>At the end the example checks that stock adds up for every SKU, that every order was
 * shipped or rejected exactly once, and that each desk's orders left each queue in the order the
 * desk placed them.
 */
public final class InventoryExample {
    static final int SKUS = 12;
    /** The last SKU is discontinued: never restocked, so it runs out and orders that need it are rejected. */
    static final int DISCONTINUED = 1;
    static final int INITIAL_STOCK = 40;
    /** The restocker refills a SKU whose stock falls below this... */
    static final int LOW = 25;
    /** ...by this many units. */
    static final int REFILL = 100;
    static final int DESKS = 3;
    static final int PICKERS = 4;
    static final int QUEUE_CAPACITY = 64;
    static final int RUSH_CAPACITY = 16;
    /** One order in this many is a rush order. */
    static final int RUSH_ONE_IN = 8;
    static final int MAX_LINES = 3;
    static final int MAX_QUANTITY = 4;
    /** How long a picker waits for an order before it comes back empty-handed. */
    static final Duration IDLE = Duration.ofMillis(200);

    private InventoryExample() {
    }

    /** The name of SKU number {@code i} (0-based): sku-01, sku-02, ... */
    static String sku(int i) {
        return String.format(Locale.ROOT, "sku-%02d", i + 1);
    }

    static boolean discontinued(int i) {
        return i >= SKUS - DISCONTINUED;
    }

    /** One line of an order: so many units of one SKU. */
    record Line(String sku, int quantity) {
    }

    /** An order, numbered per desk; immutable, as everything put into a transactional collection should be. */
    record Order(int desk, long seq, boolean rush, List<Line> lines, long placedNanos) {
        String id() {
            return String.format(Locale.ROOT, "desk%d#%06d", desk + 1, seq);
        }
    }

    /**
     * The business exception: a line asks for more than is in stock. Thrown out of an {@code @Atomic}
     * method, it undoes that method's writes and reaches the caller unchanged.
     */
    static final class OutOfStock extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final String sku;
        final int wanted;
        final int inStock;
        /** How many of the order's lines had already been taken from stock (and are now undone). */
        final int linesAlreadyTaken;

        OutOfStock(Order order, Line line, int inStock, int linesAlreadyTaken) {
            // no stack trace: a rejection is an expected outcome, not a bug
            super(order.id() + " needs " + line.quantity() + " x " + line.sku() + ", " + inStock + " in stock",
                    null, false, false);
            this.sku = line.sku();
            this.wanted = line.quantity();
            this.inStock = inStock;
            this.linesAlreadyTaken = linesAlreadyTaken;
        }
    }

    /**
     * What one call of {@link Warehouse#fulfilNext()} did: shipped or rejected an order (numbered by
     * its pick ticket), or found none.
     *
     * @param ticket the pick ticket: 1, 2, 3... in the one order in which orders left the queues
     * @param order the order taken
     * @param rejection why it was rejected, or null when it shipped
     * @param firstTime whether the order's id was new to the warehouse's record of handled orders
     */
    record Pick(long ticket, Order order, OutOfStock rejection, boolean firstTime) {
        /** No order came for {@link #IDLE}, but the desks are still open. */
        static final Pick IDLE = new Pick(0, null, null, false);
        /** No order came for {@link #IDLE} and the desks have closed: the picker goes home. */
        static final Pick GO_HOME = new Pick(-1, null, null, false);
    }

    /** The warehouse: stock, tallies and queues are transactional collections; two flags are {@code @Shared} fields. */
    static final class Warehouse {
        final TxMap<String, Integer> stock = TxMap.create();
        /** Units shipped per SKU, written in the same transaction as the stock. */
        final TxMap<String, Integer> shipped = TxMap.create();
        /** Units delivered by the restocker per SKU, written in the same transaction as the stock. */
        final TxMap<String, Integer> restocked = TxMap.create();
        /** The ids of the orders shipped or rejected. */
        final TxSet<String> handled = TxSet.create();
        final TxQueue<Order> orders = TxQueue.create(QUEUE_CAPACITY);
        final TxQueue<Order> rush = TxQueue.create(RUSH_CAPACITY);
        /** The last pick ticket handed out. */
        @Shared
        long lastTicket;
        /** Whether the desks may still place orders. */
        @Shared
        boolean intakeOpen = true;
        /** Whether the restocker is still at work. */
        @Shared
        boolean open = true;
        /** Not shared: counts every run of the fulfilment body, the rolled-back ones included. */
        final AtomicLong bodyRuns = new AtomicLong();

        Warehouse() {
            for (int i = 0; i < SKUS; i++) {
                stock.put(sku(i), INITIAL_STOCK);
                shipped.put(sku(i), 0);
                restocked.put(sku(i), 0);
            }
        }

        /**
         * Takes the next order, rush first, and ships it or rejects it whole; waits while both queues
         * are empty, at most {@link #IDLE}.
         */
        @Atomic
        Pick fulfilNext() {
            bodyRuns.incrementAndGet();
            Order order = Stm.orElse(
                    () -> takeOrRetry(rush),       // retries if empty: Stm.orElse then tries the normal queue
                    () -> {
                        Order o = orders.poll();
                        if (o == null) {
                            // both queues empty: wait until either changes, or IDLE has passed with nothing new
                            Stm.retryFor(IDLE);
                        }
                        return o;
                    });
            if (order == null) {
                // read in the same snapshot as the two empty queues: once the desks have closed, no order can come
                return intakeOpen ? Pick.IDLE : Pick.GO_HOME;
            }
            long ticket = ++lastTicket;
            boolean firstTime = handled.add(order.id());
            try {
                ship(order);
                return new Pick(ticket, order, null, firstTime);
            } catch (OutOfStock e) {
                // ship(..)'s writes are undone; the order stays taken, and is recorded as rejected
                return new Pick(ticket, order, e, firstTime);
            }
        }

        private static Order takeOrRetry(TxQueue<Order> queue) {
            Order o = queue.poll();
            if (o == null) {
                Stm.retry();
            }
            return o;
        }

        /** Takes every line of the order from stock, or (by throwing) none of them. */
        @Atomic
        void ship(Order order) {
            int taken = 0;
            for (Line line : order.lines()) {
                int inStock = stock.get(line.sku());
                if (inStock < line.quantity()) {
                    throw new OutOfStock(order, line, inStock, taken);
                }
                stock.put(line.sku(), inStock - line.quantity());
                shipped.merge(line.sku(), line.quantity(), Integer::sum);
                taken++;
            }
        }

        /**
         * Refills every SKU (but the discontinued ones) whose stock is low; waits while none is.
         *
         * @return the SKUs refilled, or null once the warehouse has closed
         */
        @Atomic
        List<String> restock() {
            if (!open) {
                return null;
            }
            List<String> refilled = new ArrayList<>();
            for (int i = 0; i < SKUS - DISCONTINUED; i++) {
                String sku = sku(i);
                if (stock.get(sku) < LOW) {
                    stock.merge(sku, REFILL, Integer::sum);
                    restocked.merge(sku, REFILL, Integer::sum);
                    refilled.add(sku);
                }
            }
            if (refilled.isEmpty()) {
                Stm.retry(); // wakes when a stock level it read (or `open`) changes
            }
            return refilled;
        }

        /** Stock, tallies and handled orders in one snapshot. */
        @Atomic(readOnly = true)
        Snapshot snapshot() {
            return new Snapshot(new TreeMap<>(stock), new TreeMap<>(shipped), new TreeMap<>(restocked),
                    handled.size(), orders.size(), rush.size(), lastTicket);
        }
    }

    /** The warehouse's own books at one moment. */
    record Snapshot(Map<String, Integer> stock, Map<String, Integer> shipped, Map<String, Integer> restocked,
                    int handled, int queued, int rushQueued, long lastTicket) {
    }

    /** An order desk's record; used by its own thread only. */
    static final class Desk {
        final String name;
        long placed;
        long rush;

        Desk(String name) {
            this.name = name;
        }
    }

    /** A picker's record; used by its own thread only (plain fields, read after the join). */
    static final class Picker {
        final String name;
        final List<Pick> picks = new ArrayList<>();
        /** Units this picker shipped per SKU: its own ledger, kept apart from the warehouse's books. */
        final Map<String, Integer> ledger = new HashMap<>();
        long shipped;
        long rejected;
        long rejectedAfterTakingStock;
        /** Calls that came back without an order because Stm.retryFor ran out (the last one sends the picker home). */
        long idle;
        long rushWaitNanos;
        long rushPicks;
        long normalWaitNanos;
        long normalPicks;

        Picker(String name) {
            this.name = name;
        }

        void record(Pick p) {
            picks.add(p);
            long wait = System.nanoTime() - p.order().placedNanos();
            if (p.order().rush()) {
                rushWaitNanos += wait;
                rushPicks++;
            } else {
                normalWaitNanos += wait;
                normalPicks++;
            }
            if (p.rejection() != null) {
                rejected++;
                if (p.rejection().linesAlreadyTaken > 0) {
                    rejectedAfterTakingStock++;
                }
                return;
            }
            shipped++;
            for (Line line : p.order().lines()) {
                ledger.merge(line.sku(), line.quantity(), Integer::sum);
            }
        }
    }

    /** The restocker's record; used by its own thread only. */
    static final class Restocker {
        final Map<String, Integer> ledger = new HashMap<>();
        long deliveries;
    }

    /** What the run showed. */
    record Report(int ordersPerDesk, List<Desk> desks, List<Picker> pickers, Restocker restocker, Snapshot books,
                  long bodyRuns, long nanos, boolean finished, String stockProblem, String ordersProblem,
                  String fifoProblem) {
        long placed() {
            return desks.stream().mapToLong(d -> d.placed).sum();
        }

        long shipped() {
            return pickers.stream().mapToLong(p -> p.shipped).sum();
        }

        long rejected() {
            return pickers.stream().mapToLong(p -> p.rejected).sum();
        }

        boolean ok() {
            return finished && stockProblem == null && ordersProblem == null && fifoProblem == null;
        }
    }

    /**
     * Runs the example.
     *
     * @param ordersPerDesk how many orders each desk places
     * @param out where to print
     * @return what happened
     */
    static Report run(int ordersPerDesk, PrintStream out) throws InterruptedException {
        out.printf("%d SKUs of %d units each (%d discontinued: never restocked). %d desks each place %s orders of%n"
                        + "1..%d lines of 1..%d units into a TxQueue of %d (one in %d into a rush TxQueue of %d); put()%n"
                        + "blocks a desk while its queue is full. %d pickers take the next order with Stm.orElse, rush%n"
                        + "first, waiting with Stm.retryFor(%d ms) while both are empty (and going home when that runs%n"
                        + "out after the desks have closed), and ship all of its lines from a TxMap of stock in the same%n"
                        + "@Atomic transaction, or reject it whole: the nested @Atomic ship() throws OutOfStock, undoing%n"
                        + "what it took. A restocker adds %d units to a SKU below %d, waiting with Stm.retry().%n%n",
                SKUS, INITIAL_STOCK, DISCONTINUED, DESKS, Table.n(ordersPerDesk), MAX_LINES, MAX_QUANTITY,
                QUEUE_CAPACITY, RUSH_ONE_IN, RUSH_CAPACITY, PICKERS, IDLE.toMillis(), REFILL, LOW);
        Warehouse warehouse = new Warehouse();
        Snapshot opening = warehouse.snapshot();

        List<Desk> desks = new ArrayList<>();
        List<Thread> deskThreads = new ArrayList<>();
        for (int d = 0; d < DESKS; d++) {
            int id = d;
            Desk desk = new Desk("desk " + (d + 1));
            desks.add(desk);
            SplittableRandom random = new SplittableRandom(7 + d);
            deskThreads.add(new Thread(() -> {
                try {
                    for (long seq = 0; seq < ordersPerDesk; seq++) {
                        Order order = newOrder(id, seq, random);
                        // outside a transaction: blocks while the queue is full, throws InterruptedException
                        (order.rush() ? warehouse.rush : warehouse.orders).put(order);
                        desk.placed++;
                        if (order.rush()) {
                            desk.rush++;
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt(); // stopped: the run is reported as unfinished
                }
            }, desk.name));
        }
        List<Picker> pickers = new ArrayList<>();
        List<Thread> pickerThreads = new ArrayList<>();
        for (int p = 0; p < PICKERS; p++) {
            Picker picker = new Picker("picker " + (p + 1));
            pickers.add(picker);
            pickerThreads.add(new Thread(() -> untilInterrupted(() -> {
                while (true) {
                    Pick pick = warehouse.fulfilNext();
                    if (pick == Pick.IDLE || pick == Pick.GO_HOME) {
                        picker.idle++; // Stm.retryFor ran out: no order for IDLE
                        if (pick == Pick.GO_HOME) {
                            return;
                        }
                    } else {
                        picker.record(pick);
                    }
                }
            }), picker.name));
        }
        Restocker restocker = new Restocker();
        Thread restockerThread = new Thread(() -> untilInterrupted(() -> {
            List<String> refilled;
            while ((refilled = warehouse.restock()) != null) {
                restocker.deliveries++;
                refilled.forEach(sku -> restocker.ledger.merge(sku, REFILL, Integer::sum));
            }
        }), "restocker");

        long total = (long) DESKS * ordersPerDesk;
        long start = System.nanoTime();
        boolean finished;
        try (Progress p = Progress.everySecond(out, "inventory", () -> {
            Snapshot s = warehouse.snapshot();
            long units = s.stock().values().stream().mapToLong(Integer::longValue).sum();
            return Progress.bar(s.handled(), total) + "  " + Table.n(s.handled()) + " orders picked, "
                    + s.queued() + " + " + s.rushQueued() + " rush queued, " + Table.n(units) + " units in stock";
        })) {
            restockerThread.start();
            pickerThreads.forEach(Thread::start);
            deskThreads.forEach(Thread::start);
            finished = BankExample.joinAll(deskThreads, TimeUnit.MINUTES.toNanos(5));
            warehouse.intakeOpen = false; // a write outside a transaction: a one-field transaction of its own
            finished &= BankExample.joinAll(pickerThreads, TimeUnit.MINUTES.toNanos(1));
            warehouse.open = false;       // wakes the restocker, which read it before Stm.retry()
            finished &= BankExample.joinAll(List.of(restockerThread), TimeUnit.SECONDS.toNanos(30));
        }
        long nanos = System.nanoTime() - start;
        if (!finished) {
            deskThreads.forEach(Thread::interrupt);
            pickerThreads.forEach(Thread::interrupt);
            restockerThread.interrupt();
            BankExample.joinAll(deskThreads, TimeUnit.SECONDS.toNanos(10));
            BankExample.joinAll(pickerThreads, TimeUnit.SECONDS.toNanos(10));
            BankExample.joinAll(List.of(restockerThread), TimeUnit.SECONDS.toNanos(10));
        }
        Snapshot books = warehouse.snapshot();
        List<Pick> picks = new ArrayList<>();
        pickers.forEach(pk -> picks.addAll(pk.picks));
        Report r = new Report(ordersPerDesk, desks, pickers, restocker, books, warehouse.bodyRuns.get(), nanos,
                finished, checkStock(opening, books, pickers, restocker),
                checkOrders(picks, desks.stream().mapToLong(d -> d.placed).toArray(), books.handled()),
                checkFifo(picks));
        print(r, out);
        return r;
    }

    /**
     * Runs {@code body}; an interrupt (only sent when the run overran) ends it. Inside a transaction a
     * wait ({@code Stm.retry()}, {@code retryFor}, a queue's {@code take}) does not throw
     * {@link InterruptedException}: it ends the transaction with an {@link StmException} whose cause is
     * one, and the thread's interrupt flag set.
     */
    private static void untilInterrupted(Runnable body) {
        try {
            body.run();
        } catch (StmException e) {
            if (!(e.getCause() instanceof InterruptedException)) {
                throw e;
            }
            // interrupted while waiting: the thread ends, the flag stays set, the run is reported unfinished
        }
    }

    private static Order newOrder(int desk, long seq, SplittableRandom random) {
        int lines = 1 + random.nextInt(MAX_LINES);
        List<Line> order = new ArrayList<>();
        Set<Integer> skus = new HashSet<>();
        while (order.size() < lines) {
            int sku = random.nextInt(SKUS);
            if (skus.add(sku)) {
                order.add(new Line(sku(sku), 1 + random.nextInt(MAX_QUANTITY)));
            }
        }
        return new Order(desk, seq, random.nextInt(RUSH_ONE_IN) == 0, List.copyOf(order), System.nanoTime());
    }

    /**
     * For every SKU: initial + restocked - shipped == final stock, never negative, and the warehouse's
     * tallies agree with the pickers' and the restocker's own ledgers; null when so.
     */
    static String checkStock(Snapshot opening, Snapshot books, List<Picker> pickers, Restocker restocker) {
        for (int i = 0; i < SKUS; i++) {
            String sku = sku(i);
            int pickedUnits = pickers.stream().mapToInt(p -> p.ledger.getOrDefault(sku, 0)).sum();
            int delivered = restocker.ledger.getOrDefault(sku, 0);
            int finalStock = books.stock().get(sku);
            if (books.shipped().get(sku) != pickedUnits) {
                return sku + ": the warehouse shipped " + books.shipped().get(sku) + " units, the pickers "
                        + pickedUnits;
            }
            if (books.restocked().get(sku) != delivered) {
                return sku + ": the warehouse was restocked " + books.restocked().get(sku) + " units, the restocker"
                        + " delivered " + delivered;
            }
            int expected = opening.stock().get(sku) + delivered - pickedUnits;
            if (finalStock != expected) {
                return sku + ": " + finalStock + " in stock, " + opening.stock().get(sku) + " + " + delivered + " - "
                        + pickedUnits + " = " + expected + " expected";
            }
            if (finalStock < 0) {
                return sku + ": stock is negative (" + finalStock + ")";
            }
        }
        return null;
    }

    /**
     * Every order placed was picked (shipped or rejected) exactly once, tickets are 1..n without gaps,
     * and the warehouse's record of handled ids agrees; null when so.
     */
    static String checkOrders(List<Pick> picks, long[] placed, int handledIds) {
        List<Pick> sorted = new ArrayList<>(picks);
        sorted.sort(Comparator.comparingLong(Pick::ticket));
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < sorted.size(); i++) {
            Pick p = sorted.get(i);
            if (p.ticket() != i + 1) {
                return "pick tickets are not 1.." + sorted.size() + ": found " + p.ticket() + " at place " + (i + 1);
            }
            if (!seen.add(p.order().id()) || !p.firstTime()) {
                return p.order().id() + " was picked twice";
            }
        }
        long[] picked = new long[placed.length];
        sorted.forEach(p -> picked[p.order().desk()]++);
        for (int d = 0; d < placed.length; d++) {
            if (picked[d] != placed[d]) {
                return "desk " + (d + 1) + ": " + picked[d] + " of " + placed[d] + " orders picked (the rest lost)";
            }
        }
        if (handledIds != sorted.size()) {
            return "the warehouse recorded " + handledIds + " handled orders, the pickers " + sorted.size();
        }
        return null;
    }

    /** Each desk's orders left each queue in the order the desk placed them; null when so. */
    static String checkFifo(List<Pick> picks) {
        List<Pick> sorted = new ArrayList<>(picks);
        sorted.sort(Comparator.comparingLong(Pick::ticket));
        Map<String, Long> last = new HashMap<>();
        for (Pick p : sorted) {
            String lane = "desk " + (p.order().desk() + 1) + (p.order().rush() ? " rush" : "");
            Long before = last.put(lane, p.order().seq());
            if (before != null && before > p.order().seq()) {
                return lane + ": order " + p.order().seq() + " was picked after order " + before;
            }
        }
        return null;
    }

    private static void print(Report r, PrintStream out) {
        Table stock = new Table("SKU", "initial", "restocked", "shipped", "final",
                "initial + restocked - shipped");
        long[] sums = new long[5];
        for (int i = 0; i < SKUS; i++) {
            String sku = sku(i);
            int restocked = r.books.restocked().get(sku);
            int shipped = r.books.shipped().get(sku);
            int left = r.books.stock().get(sku);
            stock.row(sku + (discontinued(i) ? " (discontinued)" : ""), INITIAL_STOCK, restocked, shipped, left,
                    INITIAL_STOCK + restocked - shipped);
            sums[0] += INITIAL_STOCK;
            sums[1] += restocked;
            sums[2] += shipped;
            sums[3] += left;
            sums[4] += INITIAL_STOCK + restocked - shipped;
        }
        stock.rule().row("all", sums[0], sums[1], sums[2], sums[3], sums[4]).print(out);
        out.println();

        Table threads = new Table("thread", "orders placed", "  rush", "shipped", "rejected", "retryFor ran out");
        for (Desk d : r.desks) {
            threads.row(d.name, d.placed, d.rush, "", "", "");
        }
        for (Picker p : r.pickers) {
            threads.row(p.name, "", "", p.shipped, p.rejected, p.idle);
        }
        threads.rule().row("all", r.placed(), r.desks.stream().mapToLong(d -> d.rush).sum(), r.shipped(),
                r.rejected(), r.pickers.stream().mapToLong(p -> p.idle).sum()).print(out);
        out.println();

        long rushPicks = r.pickers.stream().mapToLong(p -> p.rushPicks).sum();
        long normalPicks = r.pickers.stream().mapToLong(p -> p.normalPicks).sum();
        long rushWait = r.pickers.stream().mapToLong(p -> p.rushWaitNanos).sum();
        long normalWait = r.pickers.stream().mapToLong(p -> p.normalWaitNanos).sum();
        long undone = r.pickers.stream().mapToLong(p -> p.rejectedAfterTakingStock).sum();
        long picked = rushPicks + normalPicks;
        new Table("", "count")
                .row("average wait from placing to picking, rush orders", millis(rushWait, rushPicks))
                .row("average wait from placing to picking, normal orders", millis(normalWait, normalPicks))
                .row("rejected orders whose earlier lines had taken stock (undone)", undone)
                .row("restocker deliveries", r.restocker.deliveries)
                .row("fulfilment bodies run / orders picked", Table.n(r.bodyRuns) + " / " + Table.n(picked))
                .row("orders left in the queues", r.books.queued() + r.books.rushQueued())
                .row("time", Table.seconds(r.nanos))
                .print(out);
        out.println();
        r.pickers.stream().flatMap(p -> p.picks.stream())
                .filter(p -> p.rejection() != null && p.rejection().linesAlreadyTaken > 0).findFirst()
                .ifPresent(p -> out.printf("for example, %s was rejected: %s x %s wanted, %d in stock; its %d earlier"
                        + " line(s)%nhad already been taken from stock, and the OutOfStock thrown out of ship() put them"
                        + " back.%n%n", p.order().id(), p.rejection().wanted, p.rejection().sku, p.rejection().inStock,
                        p.rejection().linesAlreadyTaken));
        out.printf("stock adds up for every SKU (initial + restocked - shipped = final >= 0; the books agree with the%n"
                + "  pickers' and the restocker's own ledgers): %s%n", verdict(r.stockProblem, null));
        out.printf("every order shipped or rejected exactly once, none lost: %s%n",
                verdict(r.ordersProblem, Table.n(picked) + " of " + Table.n(r.placed())));
        out.printf("each desk's orders picked in the order it placed them, in each queue: %s%n",
                verdict(r.fifoProblem, null));
        if (!r.finished) {
            out.println("the run did not finish in time: threads were interrupted");
        }
    }

    private static String verdict(String problem, String detail) {
        return problem != null ? "NO: " + problem : detail == null ? "yes" : "yes (" + detail + ")";
    }

    private static String millis(long nanos, long count) {
        return count == 0 ? "-" : String.format(Locale.ROOT, "%.2f ms", nanos / 1e6 / count);
    }
}
