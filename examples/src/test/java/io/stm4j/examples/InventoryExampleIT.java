package io.stm4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.stm4j.StmException;
import io.stm4j.examples.InventoryExample.Line;
import io.stm4j.examples.InventoryExample.Order;
import io.stm4j.examples.InventoryExample.Pick;
import io.stm4j.examples.InventoryExample.Picker;
import io.stm4j.examples.InventoryExample.Restocker;
import io.stm4j.examples.InventoryExample.Snapshot;
import io.stm4j.examples.InventoryExample.Warehouse;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Inventory with TxMap, TxSet, TxQueue, Stm.orElse and Stm.retryFor: stock adds up, every order is
 * picked exactly once, each desk's orders in order; and, one call at a time, what a pick does.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class InventoryExampleIT {
    private static final int SCALE = Integer.getInteger("stm4j.stress.scale", 1);

    @Test
    void theDemoCommandPrintsItsTablesAndInvariants() throws Exception {
        int orders = 1_500 * SCALE;
        Captured run = Captured.main("inventory", String.valueOf(orders));
        assertThat(run.status()).isZero();
        String total = Table.n(3L * orders);
        assertThat(run.output())
                .startsWith("== stm4j example: inventory (size " + Table.n(orders) + ") ==")
                .contains("initial + restocked - shipped")
                .containsPattern("sku-12 \\(discontinued\\) +\\| +40 \\| +0 \\| +40 \\| +0 \\| +0")
                .containsPattern("all +\\| +" + total + " \\| +[\\d,]+ \\| +[\\d,]+ \\| +[\\d,]+ \\| +[\\d,]+")
                .containsPattern("orders left in the queues +\\| +0")
                .contains("pickers' and the restocker's own ledgers): yes")
                .contains("every order shipped or rejected exactly once, none lost: yes (" + total + " of " + total + ")")
                .contains("each desk's orders picked in the order it placed them, in each queue: yes")
                .endsWith("OK: every invariant held." + System.lineSeparator());
    }

    @Test
    void theReportAddsUpAndShowsRejectionsUndone() throws Exception {
        int orders = 1_000 * SCALE;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        InventoryExample.Report r = InventoryExample.run(orders, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String output = bytes.toString(StandardCharsets.UTF_8);
        assertThat(r.finished()).isTrue();
        assertThat(r.stockProblem()).isNull();
        assertThat(r.ordersProblem()).isNull();
        assertThat(r.fifoProblem()).isNull();
        assertThat(r.ok()).isTrue();
        assertThat(r.placed()).isEqualTo(3L * orders);
        assertThat(r.shipped() + r.rejected()).isEqualTo(r.placed());
        assertThat(r.books().handled()).isEqualTo(3 * orders);
        assertThat(r.books().lastTicket()).isEqualTo(3L * orders);
        assertThat(r.books().queued() + r.books().rushQueued()).isZero();
        assertThat(r.books().stock().values()).allMatch(units -> units >= 0);
        // the discontinued SKU's 40 units run out long before 3,000 orders, so some orders are rejected,
        // and some of those after their earlier lines had taken stock
        assertThat(r.books().restocked().get("sku-12")).isZero();
        assertThat(r.books().shipped().get("sku-12")).isLessThanOrEqualTo(40);
        assertThat(r.shipped()).isPositive();
        assertThat(r.rejected()).isPositive();
        assertThat(r.pickers().stream().mapToLong(p -> p.rejectedAfterTakingStock).sum()).isPositive();
        assertThat(r.pickers().stream().mapToLong(p -> p.rushPicks).sum()).isPositive();
        assertThat(output).contains("OutOfStock thrown out of ship() put them back");
        // a progress line a second; its first can come late on a loaded machine, so not "1s" exactly
        if (r.nanos() > TimeUnit.SECONDS.toNanos(3)) {
            assertThat(output).containsPattern("\\[inventory +\\d+s\\] \\[[#.]{20}\\] +\\d+%  [\\d,]+ orders picked");
        }
    }

    @Test
    void aRejectedOrderIsTakenButItsEarlierLinesAreUndone() {
        Warehouse w = new Warehouse();
        w.stock.put("sku-02", 0);
        Order order = order(0, 0, false, new Line("sku-01", 3), new Line("sku-02", 1));
        assertThat(w.orders.offer(order)).isTrue();

        Pick pick = w.fulfilNext();

        assertThat(pick.order()).isEqualTo(order);
        assertThat(pick.rejection()).isNotNull();
        assertThat(pick.rejection().sku).isEqualTo("sku-02");
        assertThat(pick.rejection().linesAlreadyTaken).isEqualTo(1);
        assertThat(w.stock.get("sku-01")).isEqualTo(InventoryExample.INITIAL_STOCK); // put back
        assertThat(w.shipped.get("sku-01")).isZero();
        assertThat(w.orders).isEmpty();                                              // but the order is taken
        assertThat(w.handled).containsExactly(order.id());
        assertThat(w.lastTicket).isEqualTo(1);
    }

    @Test
    void aShippedOrderTakesEveryLine() {
        Warehouse w = new Warehouse();
        Order order = order(1, 0, false, new Line("sku-01", 3), new Line("sku-05", 4));
        assertThat(w.orders.offer(order)).isTrue();

        Pick pick = w.fulfilNext();

        assertThat(pick.rejection()).isNull();
        assertThat(pick.firstTime()).isTrue();
        assertThat(w.stock).containsEntry("sku-01", 37).containsEntry("sku-05", 36);
        assertThat(w.shipped).containsEntry("sku-01", 3).containsEntry("sku-05", 4);
    }

    @Test
    void rushOrdersArePickedFirst() {
        Warehouse w = new Warehouse();
        Order normal = order(0, 0, false, new Line("sku-01", 1));
        Order rush = order(0, 1, true, new Line("sku-02", 1));
        assertThat(w.orders.offer(normal)).isTrue();
        assertThat(w.rush.offer(rush)).isTrue();

        assertThat(w.fulfilNext().order()).isEqualTo(rush);
        assertThat(w.fulfilNext().order()).isEqualTo(normal);
    }

    @Test
    void aPickerComesBackIdleAfterRetryForAndGoesHomeOnceTheDesksHaveClosed() {
        Warehouse w = new Warehouse();
        long start = System.nanoTime();
        assertThat(w.fulfilNext()).isSameAs(Pick.IDLE);
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(InventoryExample.IDLE.toNanos() * 3 / 4);

        w.intakeOpen = false;
        assertThat(w.fulfilNext()).isSameAs(Pick.GO_HOME);
    }

    @Test
    void aWaitingPickerWakesForAnOrderPutByADesk() throws Exception {
        Warehouse w = new Warehouse();
        AtomicReference<Pick> picked = new AtomicReference<>();
        Thread picker = new Thread(() -> {
            Pick p;
            do {
                p = w.fulfilNext(); // IDLE only if the desk below took longer than InventoryExample.IDLE
            } while (p == Pick.IDLE);
            picked.set(p);
        }, "picker");
        picker.start();
        Order order = order(2, 0, false, new Line("sku-03", 2));
        w.orders.put(order); // outside a transaction: an ordinary blocking put
        picker.join(TimeUnit.SECONDS.toMillis(30));
        assertThat(picker.isAlive()).isFalse();
        assertThat(picked.get().order()).isEqualTo(order);
        assertThat(w.stock.get("sku-03")).isEqualTo(38);
    }

    @Test
    void anInterruptedPickerEndsWithAnStmExceptionNotAnInterruptedException() throws Exception {
        Warehouse w = new Warehouse();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicReference<Boolean> flagSet = new AtomicReference<>();
        Thread picker = new Thread(() -> {
            try {
                while (true) {
                    w.fulfilNext(); // both queues stay empty: it waits in Stm.retryFor, or comes back IDLE
                }
            } catch (RuntimeException e) {
                thrown.set(e);
                flagSet.set(Thread.currentThread().isInterrupted());
            }
        }, "picker");
        picker.start();
        picker.interrupt(); // whether it arrives before or during the wait, the wait ends the transaction
        picker.join(TimeUnit.SECONDS.toMillis(30));
        assertThat(picker.isAlive()).isFalse();
        assertThat(thrown.get()).isInstanceOf(StmException.class).hasCauseInstanceOf(InterruptedException.class);
        assertThat(flagSet.get()).isTrue();
        assertThat(w.lastTicket).isZero();
    }

    @Test
    void theChecksCatchALostADuplicatedAndAReorderedOrder() {
        Order a0 = order(0, 0, false, new Line("sku-01", 1));
        Order a1 = order(0, 1, false, new Line("sku-01", 1));
        Order b0 = order(1, 0, false, new Line("sku-01", 1));
        long[] placed = {2, 1};
        assertThat(InventoryExample.checkOrders(List.of(pick(1, a0), pick(2, b0), pick(3, a1)), placed, 3)).isNull();
        assertThat(InventoryExample.checkOrders(List.of(pick(1, a0), pick(2, b0)), placed, 2))
                .isEqualTo("desk 1: 1 of 2 orders picked (the rest lost)");
        assertThat(InventoryExample.checkOrders(List.of(pick(1, a0), pick(2, a0), pick(3, b0)), placed, 3))
                .contains("picked twice");
        assertThat(InventoryExample.checkOrders(List.of(pick(1, a0), pick(3, b0), pick(4, a1)), placed, 3))
                .contains("not 1..3");
        assertThat(InventoryExample.checkOrders(List.of(pick(1, a0), pick(2, b0), pick(3, a1)), placed, 2))
                .contains("the warehouse recorded 2 handled orders, the pickers 3");

        assertThat(InventoryExample.checkFifo(List.of(pick(1, a0), pick(2, b0), pick(3, a1)))).isNull();
        assertThat(InventoryExample.checkFifo(List.of(pick(1, a1), pick(2, a0))))
                .isEqualTo("desk 1: order 0 was picked after order 1");
        Order rush = order(0, 2, true, new Line("sku-01", 1));
        assertThat(InventoryExample.checkFifo(List.of(pick(1, rush), pick(2, a0)))).isNull(); // another queue
    }

    @Test
    void theStockCheckCatchesAnUndoneWriteThatStayed() {
        Map<String, Integer> opening = new java.util.TreeMap<>();
        Map<String, Integer> zero = new java.util.TreeMap<>();
        for (int i = 0; i < InventoryExample.SKUS; i++) {
            opening.put(InventoryExample.sku(i), 40);
            zero.put(InventoryExample.sku(i), 0);
        }
        Snapshot start = new Snapshot(opening, zero, zero, 0, 0, 0, 0);
        Picker picker = new Picker("picker 1");
        picker.record(pick(1, order(0, 0, false, new Line("sku-01", 3))));
        Restocker restocker = new Restocker();
        Map<String, Integer> shipped = new java.util.TreeMap<>(zero);
        shipped.put("sku-01", 3);
        Map<String, Integer> right = new java.util.TreeMap<>(opening);
        right.put("sku-01", 37);
        assertThat(InventoryExample.checkStock(start, new Snapshot(right, shipped, zero, 1, 0, 0, 1), List.of(picker),
                restocker)).isNull();
        // a rejected order's first line that was not put back: one unit short
        Map<String, Integer> leaked = new java.util.TreeMap<>(right);
        leaked.put("sku-02", 39);
        assertThat(InventoryExample.checkStock(start, new Snapshot(leaked, shipped, zero, 1, 0, 0, 1), List.of(picker),
                restocker)).isEqualTo("sku-02: 39 in stock, 40 + 0 - 0 = 40 expected");
        assertThat(InventoryExample.checkStock(start, new Snapshot(right, zero, zero, 1, 0, 0, 1), List.of(picker),
                restocker)).isEqualTo("sku-01: the warehouse shipped 0 units, the pickers 3");
    }

    private static Order order(int desk, long seq, boolean rush, Line... lines) {
        return new Order(desk, seq, rush, List.of(lines), System.nanoTime());
    }

    private static Pick pick(long ticket, Order order) {
        return new Pick(ticket, order, null, true);
    }
}
