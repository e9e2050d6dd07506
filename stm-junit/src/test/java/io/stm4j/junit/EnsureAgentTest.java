package io.stm4j.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stm4j.junit.StmAgentSessionListener.Outcome;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The listener's decision, apart from this JVM's agent. */
class EnsureAgentTest {
    @Test
    void anActiveAgentIsLeftAloneNoSecondAttach() {
        AtomicInteger attaches = new AtomicInteger();
        assertThat(StmAgentSessionListener.ensureAgent(() -> true, attaches::incrementAndGet))
                .isEqualTo(Outcome.ALREADY_ACTIVE);
        assertThat(attaches).hasValue(0);
    }

    @Test
    void anInactiveAgentIsAttachedOnceAndThenLeftAlone() {
        AtomicBoolean active = new AtomicBoolean();
        AtomicInteger attaches = new AtomicInteger();
        Runnable attach = () -> {
            attaches.incrementAndGet();
            active.set(true);
        };
        assertThat(StmAgentSessionListener.ensureAgent(active::get, attach)).isEqualTo(Outcome.ATTACHED);
        assertThat(StmAgentSessionListener.ensureAgent(active::get, attach)).isEqualTo(Outcome.ALREADY_ACTIVE);
        assertThat(attaches).hasValue(1);
    }

    @Test
    void aFailedAttachFailsTheSessionNamingTheFixesAndKeepingTheCause() {
        IllegalStateException refused = new IllegalStateException("Could not self-attach to current VM");
        assertThatThrownBy(() -> StmAgentSessionListener.ensureAgent(() -> false, () -> {
            throw refused;
        })).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("stm4j: stm-junit could not attach the stm4j agent")
                .hasMessageContaining("Could not self-attach to current VM")
                .hasMessageContaining("-javaagent:<path to stm-agent jar>")
                .hasMessageContaining("argLine")
                .hasMessageContaining("weave the classes at build time")
                .hasCause(refused);
    }

    @Test
    void aJreWithoutTheAttachApiFailsTheSessionToo() {
        assertThatThrownBy(() -> StmAgentSessionListener.ensureAgent(() -> false, () -> {
            throw new NoClassDefFoundError("com/sun/tools/attach/VirtualMachine");
        })).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("java.lang.NoClassDefFoundError: com/sun/tools/attach/VirtualMachine")
                .hasMessageContaining("-javaagent:");
    }

    @Test
    void anAttachThatLeavesTheAgentInactiveFailsTheSession() {
        assertThatThrownBy(() -> StmAgentSessionListener.ensureAgent(() -> false, () -> { }))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("returned, yet the agent is not active")
                .hasMessageContaining("-javaagent:");
    }
}
