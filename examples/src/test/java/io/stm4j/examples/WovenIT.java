package io.stm4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.stm4j.Stm;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The examples woven at build time (stm4j-maven-plugin), run by failsafe's "woven" execution with no
 * {@code -javaagent} (and by the default execution, with the agent attached as well).
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class WovenIT {

    private static boolean carriesTheMark(Class<?> c) throws Exception {
        try (InputStream in = c.getResourceAsStream("/" + c.getName().replace('.', '/') + ".class")) {
            // built at run time: the descriptor as a literal in this class would itself look like the mark
            String mark = String.join("/", "Lio", "stm4j", "internal", "Rewritten;");
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1).contains(mark);
        }
    }

    @Test
    void theClassesAreWovenAndSayTheyAreTransactional() throws Exception {
        assertThat(Stm.isAgentActive()).as("woven classes count as the agent").isTrue();
        assertThat(carriesTheMark(BankExample.StmBank.class)).as("BankExample.StmBank woven at build time").isTrue();
        assertThat(carriesTheMark(InventoryExample.class)).as("InventoryExample woven at build time").isTrue();
        assertThat(carriesTheMark(Table.class)).as("a class with nothing of stm4j's is left alone").isFalse();
        assertThat(Thread.currentThread().getContextClassLoader().getResource("META-INF/stm4j/woven")).isNotNull();
    }

    @Test
    void theMainDemoRunsWithOrWithoutTheAgent() throws Exception {
        boolean agent = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .anyMatch(a -> a.startsWith("-javaagent:"));
        Captured run = Captured.main("bank", "20000");
        assertThat(run.status()).as("%s (agent attached: %s)", run.output(), agent).isZero();
        assertThat(run.output()).contains("OK: every invariant held.");
    }
}
