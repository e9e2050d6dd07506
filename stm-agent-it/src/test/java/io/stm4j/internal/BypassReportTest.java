package io.stm4j.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.stm4j.it.plainjava.Stock;
import java.lang.reflect.Field;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A write that bypasses stm4j (reflection here) into an object already used transactionally is
 * reported, once per field, naming class and field. In the runtime's package so that it can
 * capture {@link Log}'s errors; the rewritten class it uses lives in the integration tests'
 * package (the agent leaves stm4j's own packages alone).
 */
class BypassReportTest {
    private final List<String> errors = new CopyOnWriteArrayList<>();
    private Consumer<String> saved;

    @BeforeEach
    void capture() {
        saved = Log.errors;
        Log.errors = errors::add;
    }

    @AfterEach
    void restore() {
        Log.errors = saved;
    }

    @Test
    void aReflectiveWriteAroundTheStoreIsReportedOnceNamingTheField() throws Exception {
        Stock s = new Stock("R", 10, 1.0);
        s.add(5);
        Field q = Stock.class.getDeclaredField("quantity");
        q.setAccessible(true);

        q.setLong(s, 1_000);
        assertThat(errors).isEmpty();
        s.add(1); // the commit finds 1,000 where 15 was committed
        assertThat(s.quantity()).isEqualTo(16);
        assertThat(q.getLong(s)).isEqualTo(16);
        assertThat(errors).hasSize(1);
        assertThat(errors.get(0)).contains(Stock.class.getName() + ".quantity").contains("1000")
                .contains("15").contains("written around stm4j");

        q.setLong(s, 2_000);
        s.add(1);
        assertThat(errors).as("once per field").hasSize(1);
        assertThat(q.getLong(s)).isEqualTo(17);
    }

    @Test
    void noKindOfValueIsMistakenForABypassingWrite() {
        io.stm4j.it.plainjava.AllKinds k = new io.stm4j.it.plainjava.AllKinds();
        for (int n = 0; n < 12; n++) {
            k.setAll(n);
            k.setAllAtomically(n + 1);
        }
        assertThat(errors).isEmpty();
    }

    @Test
    void writesThroughTheStoreAreNeverReported() {
        Stock s = new Stock("W", 0, 1.0);
        for (int i = 0; i < 1_000; i++) {
            s.add(1);
            s.reprice(i, "W" + i);
        }
        Stock copy = s.clone();
        copy.add(1);
        assertThat(errors).isEmpty();
    }
}
