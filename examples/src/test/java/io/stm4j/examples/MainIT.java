package io.stm4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.stm4j.Stm;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The launcher: names, sizes, the default. Runs under -javaagent, as run-demo.sh runs it. */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MainIT {

    @Test
    void theAgentIsAttachedAsTheDemoAttachesIt() {
        assertThat(Stm.isAgentActive()).isTrue();
        assertThat(ManagementFactory.getRuntimeMXBean().getInputArguments()).anyMatch(a -> a.startsWith("-javaagent:"));
    }

    @Test
    void withoutArgumentsItRunsTheBankExample() throws Exception {
        Captured run = Captured.main();
        assertThat(run.status()).isZero();
        assertThat(run.output()).startsWith("== stm4j example: bank (size 500,000) ==")
                .contains("stm4j: total conserved: 8,000 == 8,000")
                .endsWith("OK: every invariant held." + System.lineSeparator());
    }

    @Test
    void anUnknownNameOrABadSizePrintsTheUsage() throws Exception {
        Captured unknown = Captured.main("banks");
        assertThat(unknown.status()).isEqualTo(2);
        assertThat(unknown.output()).contains("usage: ./run-demo.sh [example] [size]")
                .contains("bank ").contains("philosophers ").contains("booking ").contains("buffer ")
                .contains("inventory ");
        Captured badSize = Captured.main("buffer", "lots");
        assertThat(badSize.status()).isEqualTo(2);
        assertThat(badSize.output()).contains("size must be a positive number, was 'lots'");
        assertThat(Captured.main("bank", "0").status()).isEqualTo(2);
    }

    @Test
    void namesAreCaseInsensitiveAndSizesMayHaveUnderscores() throws Exception {
        Captured run = Captured.main("Buffer", "1_000");
        assertThat(run.status()).isZero();
        assertThat(run.output()).startsWith("== stm4j example: buffer (size 1,000) ==");
    }
}
