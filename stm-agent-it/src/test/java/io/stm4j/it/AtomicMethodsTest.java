package io.stm4j.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stm4j.ConcurrentUpdate;
import io.stm4j.MaxRetriesExceeded;
import io.stm4j.RetryTimeoutExceeded;
import io.stm4j.Stm;
import io.stm4j.testkit.OtherThread;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The contract's promises for @Atomic methods, on rewritten classes. */
class AtomicMethodsTest {
    private final OtherThread other = new OtherThread();
    private final Ledger ledger = new Ledger();

    @AfterEach
    void close() throws InterruptedException {
        other.close();
        assertThat(Stm.inTransaction()).isFalse();
    }

    @Test
    void writesArePublishedTogether() {
        ledger.both(5);
        assertThat(ledger.equal()).isTrue();
        assertThat(Ledger.staticSum(ledger)).isEqualTo(10);
        assertThat(ledger.average()).isEqualTo(5.0);
    }

    @Test
    void anExceptionRollsBackAndPropagatesTheSameInstance() {
        RuntimeException boom = new UnsupportedOperationException("boom");
        assertThatThrownBy(() -> ledger.failAfterWriting(boom)).isSameAs(boom);
        assertThat(ledger.x).isZero();
    }

    @Test
    void aCheckedExceptionPropagatesUnchanged() {
        assertThatThrownBy(() -> ledger.checked(3)).isInstanceOf(IOException.class).hasMessage("disk full at 3");
        assertThat(ledger.x).isZero();
    }

    @Test
    void aNestedAtomicMethodJoinsAndAnExceptionUndoesOnlyItsWrites() {
        assertThat(ledger.outerCatchesInner()).isEqualTo("inner");
        assertThat(ledger.x).isEqualTo(1);
        assertThat(ledger.y).isEqualTo(3);
    }

    @Test
    void aConflictReRunsTheBodyWithTheOriginalArguments() {
        ledger.x = 7;
        AtomicInteger interfered = new AtomicInteger();
        long result = ledger.argumentsRestoredOnRetry(5, () -> {
            if (interfered.getAndIncrement() == 0) {
                other.run(() -> ledger.x = 8);
            }
        });
        assertThat(ledger.runs).isEqualTo(2);
        assertThat(result).isEqualTo(50);
        assertThat(ledger.y).isEqualTo(58);
    }

    @Test
    void maxRetriesBoundsTheAttempts() {
        MaxRetriesExceeded e = org.junit.jupiter.api.Assertions.assertThrows(MaxRetriesExceeded.class,
                () -> ledger.limited(() -> other.run(() -> ledger.x++)));
        assertThat(e.getAttempts()).isEqualTo(3);
        assertThat(ledger.runs).isEqualTo(3);
        assertThat(e.getCause()).isInstanceOf(ConcurrentUpdate.class).hasMessageContaining("Ledger.x");
        assertThat(ledger.y).isZero();
    }

    @Test
    void timeoutStopsRetrying() {
        RetryTimeoutExceeded e = org.junit.jupiter.api.Assertions.assertThrows(RetryTimeoutExceeded.class,
                () -> ledger.timed(() -> other.run(() -> ledger.x++)));
        assertThat(e.getAttempts()).isEqualTo(ledger.runs).isGreaterThan(1);
        assertThat(ledger.y).isZero();
    }

    @Test
    void readOnlyMethodsReadAndRejectWrites() {
        ledger.both(2);
        assertThat(ledger.readOnlySum()).isEqualTo(4);
        assertThatThrownBy(ledger::readOnlyWrite).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Ledger.x").hasMessageContaining("read-only");
        assertThat(ledger.x).isEqualTo(2);
    }

    @Test
    void genericClassesWork() {
        Box<String> box = new Box<>("a");
        assertThat(box.swap("b")).isEqualTo("a");
        assertThat(box.get()).isEqualTo("b");
    }
}
