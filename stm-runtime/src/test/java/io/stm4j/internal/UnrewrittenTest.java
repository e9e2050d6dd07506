package io.stm4j.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stm4j.Stm;
import io.stm4j.collections.TxMap;
import io.stm4j.plain.PlainBank;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Annotated code that nothing rewrote (this module's tests run with no agent and no weaving): the
 * engine's API says so, naming the method or class and the fix, instead of a misleading "outside a
 * transaction" or nothing at all.
 */
class UnrewrittenTest {
    private final List<String> errors = new CopyOnWriteArrayList<>();
    private Consumer<String> saved;

    @BeforeEach
    void capture() {
        saved = Log.errors;
        Log.errors = errors::add;
        Unrewritten.forgetReport();
    }

    @AfterEach
    void restore() {
        Log.errors = saved;
        Unrewritten.forgetReport();
    }

    @Test
    void afterCommitInAnAtomicMethodThatWasNotRewrittenNamesTheMethodAndTheFix() {
        PlainBank bank = new PlainBank();
        assertThatThrownBy(() -> bank.withdraw(3))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Stm.afterCommit called from @Atomic method " + PlainBank.class.getName()
                        + ".withdraw that stm4j never rewrote, so no transaction is running: the stm4j agent is"
                        + " not active and it is not woven.")
                .hasMessageContaining("-javaagent:").hasMessageContaining("stm4j-maven-plugin")
                .hasMessageContaining("io.stm4j:stm-junit");
    }

    @Test
    void retryInAClassWithSharedFieldsThatWasNotRewrittenNamesTheClass() {
        PlainBank bank = new PlainBank();
        bank.balance = 0;
        assertThatThrownBy(bank::waitForMoney)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Stm.retry() called from " + PlainBank.class.getName()
                        + ", which declares @Shared fields, that stm4j never rewrote");
    }

    @Test
    void plainCodeOutsideATransactionKeepsTheUsualMessage() {
        assertThatThrownBy(() -> Stm.afterCommit(() -> { }))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Stm.afterCommit called outside a transaction (use it inside an @Atomic method or a"
                        + " Stm.atomic block)");
        assertThat(errors).isEmpty();
    }

    @Test
    void annotatedCodeThatUsesTheRuntimeIsReportedOncePerJvm() {
        PlainBank bank = new PlainBank();
        bank.ledger();
        bank.ledger();
        TxMap.create(); // from this plain test method: nothing to report
        assertThat(errors).hasSize(1);
        assertThat(errors.get(0)).startsWith("stm4j: @Atomic method " + PlainBank.class.getName() + ".ledger runs without"
                + " the stm4j agent or build-time weaving: its @Atomic methods and @Shared fields are plain Java")
                .contains("io.stm4j:stm-junit");
    }

    @Test
    void plainCodeThatUsesTheRuntimeIsNeverReported() {
        for (int i = 0; i < 100; i++) {
            TxMap.create();
        }
        assertThat(errors).isEmpty();
    }
}
