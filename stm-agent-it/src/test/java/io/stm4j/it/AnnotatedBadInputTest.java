package io.stm4j.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stm4j.Stm;
import io.stm4j.Store;
import io.stm4j.it.misuse.BadLimits;
import org.junit.jupiter.api.Test;

/**
 * Bad input through the annotations, under the agent: each gives an exception naming the field or
 * method, and changes nothing. (MisuseTest covers @Shared on final fields and @Atomic on abstract
 * and native methods; the README's "Bad input" table lists them all.)
 */
class AnnotatedBadInputTest {

    @Test
    void everyWriteInAReadOnlyAtomicMethodIsRefusedNamingTheField() {
        ReadOnlyWriter w = new ReadOnlyWriter();
        assertThatThrownBy(w::writeStatic).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("io.stm4j.it.ReadOnlyWriter.total").hasMessageContaining("read-only");
        assertThatThrownBy(w::writeReference).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("io.stm4j.it.ReadOnlyWriter.label").hasMessageContaining("read-only");
        // a read-write @Atomic method or block called from a read-only one joins it: still refused
        assertThatThrownBy(w::callReadWrite).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("io.stm4j.it.ReadOnlyWriter.x").hasMessageContaining("read-only");
        assertThatThrownBy(w::writeInBlock).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("io.stm4j.it.ReadOnlyWriter.x").hasMessageContaining("read-only");
        Store s = Store.create();
        assertThatThrownBy(() -> w.commitToStore(s)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'k'").hasMessageContaining("read-only");

        assertThat(ReadOnlyWriter.total).isZero();
        assertThat(w.label).isEqualTo("start");
        assertThat(w.x).isZero();
        assertThat(s.export("k")).containsEntry("k", null);
        assertThat(w.readOnly()).isZero(); // reading is what read-only methods are for
        assertThat(Stm.inTransaction()).isFalse();
    }

    @Test
    void anAtomicElementOutOfRangeFailsTheClassNamingTheMethod() {
        assertThatThrownBy(BadLimits::new)
                .isInstanceOf(ExceptionInInitializerError.class)
                .cause().isInstanceOf(IllegalStateException.class)
                .hasMessage("@Atomic(maxRetries = -2) on io.stm4j.it.misuse.BadLimits.work()V:"
                        + " maxRetries must be -1 (unlimited) or >= 0");
    }

    @Test
    void retryInAnAtomicMethodThatReadNothingIsRefused() {
        assertThatThrownBy(AnnotatedBadInputTest::retryWithoutReading).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Stm.retry()").hasMessageContaining("read nothing");
        assertThatThrownBy(Stm::retry).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Stm.retry() called outside a transaction");
    }

    @io.stm4j.Atomic
    private static void retryWithoutReading() {
        Stm.retry();
    }
}
