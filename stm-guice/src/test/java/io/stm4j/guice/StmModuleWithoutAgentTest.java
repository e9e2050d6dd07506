package io.stm4j.guice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.CreationException;
import com.google.inject.Guice;
import io.stm4j.Stm;
import org.junit.jupiter.api.Test;

/**
 * Runs in a JVM WITHOUT the agent (plain Surefire): the module must refuse to start and say how to
 * attach the agent. The builder's argument checks need no agent either.
 */
class StmModuleWithoutAgentTest {

    @Test
    void injectorCreationFailsAndSaysHowToAttachTheAgent() {
        assertThat(Stm.isAgentActive()).as("this test needs a JVM without the agent").isFalse();
        assertThatThrownBy(() -> Guice.createInjector(new StmModule()))
                .isInstanceOf(CreationException.class)
                .hasMessageContaining("stm4j agent is not active")
                .hasMessageMatching("(?s).*-javaagent:stm-agent/target/stm-agent-\\d+\\.\\d+\\.\\d+[^ ]*\\.jar .*")
                .hasMessageContaining("Surefire's <argLine>")
                // Guice prints class names short, with a legend of their full names below
                .hasMessageContaining("call StmAgent.install() before")
                .hasMessageContaining("io.stm4j.agent.StmAgent");
    }

    @Test
    void theModuleWithNamedStoresFailsTheSameWay() {
        assertThatThrownBy(() -> Guice.createInjector(StmModule.builder().store("orders").build()))
                .isInstanceOf(CreationException.class)
                .hasMessageContaining("-javaagent:");
    }

    @Test
    void theBuilderRejectsBadNames() {
        assertThatThrownBy(() -> StmModule.builder().store(null))
                .isInstanceOf(NullPointerException.class).hasMessage("name");
        assertThatThrownBy(() -> StmModule.builder().store(" "))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blank");
        assertThatThrownBy(() -> StmModule.builder().store("orders").store("orders"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'orders' was already added");
    }

    @Test
    void modulesWithTheSameNamesAreEqual() {
        assertThat(new StmModule()).isEqualTo(StmModule.builder().build())
                .hasSameHashCodeAs(StmModule.builder().build());
        assertThat(StmModule.builder().store("a").store("b").build())
                .isEqualTo(StmModule.builder().store("a").store("b").build())
                .isNotEqualTo(StmModule.builder().store("a").build());
        assertThat(StmModule.builder().store("b").store("a").build().storeNames()).containsExactly("b", "a");
    }
}
