package io.stm4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Bounded buffer with Stm.retry(): every item once, each producer's items in order, nothing left behind. */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BufferExampleIT {
    private static final int SCALE = Integer.getInteger("stm4j.stress.scale", 1);

    @Test
    void everyItemIsDeliveredOnceAndInOrderPerProducer() throws Exception {
        int items = 10_000 * SCALE;
        Captured run = Captured.main("buffer", String.valueOf(items));
        assertThat(run.status()).isZero();
        String total = Table.n(3L * items);
        assertThat(run.output())
                .contains("every item delivered exactly once, each producer's items in order: yes ("
                        + total + " of " + total + ")")
                .containsPattern("items left in the buffer +\\| +0");
    }

    @Test
    void theReportHoldsEveryDelivery() throws Exception {
        int items = 5_000 * SCALE;
        BufferExample.Report r = BufferExample.run(items, new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8));
        assertThat(r.finished()).isTrue();
        assertThat(r.problem()).isNull();
        assertThat(r.sent()).containsOnly(items);
        assertThat(r.received().stream().mapToLong(List::size).sum()).isEqualTo(3L * items);
        assertThat(r.leftInBuffer()).isZero();
    }

    @Test
    void theCheckCatchesALostADuplicatedAndAReorderedItem() {
        BufferExample.Item a0 = new BufferExample.Item(0, 0);
        BufferExample.Item a1 = new BufferExample.Item(0, 1);
        BufferExample.Item b0 = new BufferExample.Item(1, 0);
        assertThat(BufferExample.check(List.of(List.of(d(1, a0), d(3, a1)), List.of(d(2, b0))), 2))
                .isEqualTo("producer 2: 1 of 2 items delivered");
        assertThat(BufferExample.check(List.of(List.of(d(1, a1), d(2, a0))), 2)).contains("out of order");
        assertThat(BufferExample.check(List.of(List.of(d(1, a0), d(2, a0))), 2)).contains("duplicated");
        assertThat(BufferExample.check(List.of(List.of(d(1, a0), d(3, a1))), 2)).contains("not 1..2");
    }

    private static BufferExample.Delivery d(long order, BufferExample.Item item) {
        return new BufferExample.Delivery(order, 0, item);
    }
}
