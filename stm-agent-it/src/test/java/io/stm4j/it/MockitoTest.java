package io.stm4j.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.spy;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.stm4j.Stm;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.implementation.FixedValue;
import net.bytebuddy.matcher.ElementMatchers;
import org.junit.jupiter.api.Test;

/** The application's own Mockito (inline mock maker) and ByteBuddy work beside the agent. */
class MockitoTest {
    @Test
    void aSpiedAccountStaysTransactionalAndIndependentOfTheOriginal() {
        Account real = new Account(100);
        Account spied = spy(real);
        spied.deposit(5);
        assertThat(spied.balance()).isEqualTo(105);
        assertThat(real.balance()).isEqualTo(100);
        verify(spied).deposit(5);
        Stm.atomic(() -> {
            spied.deposit(1);
            real.deposit(2);
        });
        assertThat(spied.balance()).isEqualTo(106);
        assertThat(real.balance()).isEqualTo(102);
    }

    @Test
    void aMockedAccountAnswersAsStubbed() {
        Account m = mock(Account.class);
        when(m.balance()).thenReturn(7L);
        assertThat(Stm.atomic(m::balance)).isEqualTo(7L);
    }

    @Test
    void theApplicationsOwnByteBuddyIsNotTheAgents() throws Exception {
        assertThat(ByteBuddy.class.getName()).isEqualTo("net.bytebuddy.ByteBuddy");
        Class<?> agentsCopy = Class.forName("io.stm4j.agent.shaded.net.bytebuddy.ByteBuddy");
        assertThat(agentsCopy).isNotSameAs(ByteBuddy.class);
        Class<? extends Account> sub = new ByteBuddy().subclass(Account.class)
                .method(ElementMatchers.named("toString")).intercept(FixedValue.value("generated"))
                .make().load(getClass().getClassLoader()).getLoaded();
        Account a = sub.getConstructor(long.class).newInstance(3L);
        a.deposit(4);
        assertThat(a.balance()).isEqualTo(7);
        assertThat(a.toString()).isEqualTo("generated");
    }
}
