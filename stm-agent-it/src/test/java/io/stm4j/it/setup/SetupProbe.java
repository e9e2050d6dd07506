package io.stm4j.it.setup;

import io.stm4j.Stm;
import io.stm4j.Atomic;
import io.stm4j.Shared;
import java.lang.reflect.Field;

/**
 * The application that {@link AgentMisconfigurationTest} starts in JVMs of its own, set up right or wrong:
 * prints how the agent was started and whether this class was rewritten.
 */
public final class SetupProbe {
    @Shared private long n;

    @Atomic
    private void increment() {
        n = n + 1;
    }

    /**
     * Prints one line: {@code stm4j agent: <active or inactive>, rewritten: <bool>, n=2}.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        SetupProbe p = new SetupProbe();
        p.increment();
        p.increment();
        boolean rewritten = false;
        for (Field f : SetupProbe.class.getDeclaredFields()) {
            rewritten |= f.getName().startsWith("stm$");
        }
        System.out.println("stm4j agent: " + (Stm.isAgentActive() ? "active" : "inactive") + ", rewritten: " + rewritten + ", n=" + p.n);
    }
}
