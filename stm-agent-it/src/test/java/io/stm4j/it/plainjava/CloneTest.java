package io.stm4j.it.plainjava;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stm4j.Stm;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * {@code clone()} of an object with {@code @Shared} fields copies what the cloning code sees at the
 * call (inside a transaction, its view), and the copy is independent from then on: a later or
 * rolled-back write to the original never becomes part of the copy's state.
 */
class CloneTest {
    private static Stock at15() {
        Stock h = new Stock("S", 10, 1.0);
        h.add(5);
        return h;
    }

    @Test
    void aCopyKeepsTheValuesOfTheCallAndIsIndependent() {
        Stock h = at15();
        Stock c = h.clone();
        h.add(100);
        assertThat(c.quantity()).isEqualTo(15);
        assertThat(h.quantity()).isEqualTo(115);
        c.add(1);
        assertThat(c.quantity()).isEqualTo(16);
        assertThat(h.quantity()).isEqualTo(115);
    }

    @Test
    void aRolledBackWriteToTheOriginalNeverBecomesTheCopysState() {
        Stock h = at15();
        Stock c = h.clone();
        assertThatThrownBy(() -> Stm.atomic(() -> {
            h.add(100);
            assertThat(c.quantity()).isEqualTo(15);
            throw new IllegalStateException("rolled back");
        })).hasMessage("rolled back");
        assertThat(c.quantity()).isEqualTo(15);
        assertThat(h.quantity()).isEqualTo(15);
    }

    @Test
    void insideATransactionTheCopyTakesTheTransactionsView() {
        Stock h = at15();
        AtomicReference<Stock> copy = new AtomicReference<>();
        Stm.atomic(() -> {
            h.add(100);
            copy.set(h.clone());
            assertThat(copy.get().quantity()).isEqualTo(115);
            copy.get().add(1);
            assertThat(h.quantity()).isEqualTo(115);
        });
        assertThat(copy.get().quantity()).isEqualTo(116);
        assertThat(h.quantity()).isEqualTo(115);
    }

    @Test
    void aCloneInheritedFromAClassOfNoStm4jInterestIsCoveredToo() {
        Derived d = new Derived(15);
        d.add(0);
        AtomicReference<Derived> copy = new AtomicReference<>();
        Stm.atomic(() -> {
            d.add(100);
            copy.set((Derived) d.copy());
        });
        d.add(1000);
        assertThat(copy.get().n()).isEqualTo(115);
        assertThat(d.n()).isEqualTo(1115);
    }
}
