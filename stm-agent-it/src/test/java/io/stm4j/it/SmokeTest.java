package io.stm4j.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stm4j.Stm;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void theAgentIsActiveAndRewritesAccounts() throws Exception {
        assertThat(Stm.isAgentActive()).isTrue();
        assertThat(ManagementFactory.getRuntimeMXBean().getInputArguments()).anyMatch(a -> a.startsWith("-javaagent:"));
        Account a = new Account(100);
        Account b = new Account(0);
        Account.transfer(a, b, 30);
        assertThat(a.balance()).isEqualTo(70);
        assertThat(b.balance()).isEqualTo(30);
        assertThatThrownBy(() -> Account.transfer(a, b, 1000)).hasMessageContaining("insufficient");
        assertThat(a.balance()).isEqualTo(70);
        assertThat(b.balance()).isEqualTo(30);
        assertThat(Account.class.getDeclaredField("stm$cell$balance")).isNotNull();
        // inside a transaction that rolls back, the deposit is undone
        assertThatThrownBy(() -> Stm.atomic(() -> {
            b.deposit(5);
            assertThat(b.balance()).isEqualTo(35);
            throw new IllegalArgumentException("undo");
        })).hasMessage("undo");
        assertThat(b.balance()).isEqualTo(30);
    }
}
