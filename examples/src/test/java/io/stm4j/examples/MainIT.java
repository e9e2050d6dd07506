package io.stm4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.stm4j.Stm;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
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
                .contains("inventory ").contains("distributed ");
        Captured badSize = Captured.main("buffer", "lots");
        assertThat(badSize.status()).isEqualTo(2);
        assertThat(badSize.output()).contains("size must be a positive number, was 'lots'");
        assertThat(Captured.main("bank", "0").status()).isEqualTo(2);
    }

    @Test
    void theDistributedExampleSaysWhatItNeedsWithoutACluster() throws Exception {
        // run-demo.sh starts a cluster and sets the variable; a developer may have set it for their own cluster
        Assumptions.assumeTrue(System.getenv(DistributedBankExample.ENDPOINTS_ENV) == null
                && System.getProperty(DistributedBankExample.ENDPOINTS_PROPERTY) == null, "etcd endpoints are configured");
        Captured run = Captured.main("distributed");
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.output()).startsWith("The distributed example needs an etcd cluster: ./run-demo.sh distributed")
                .contains("sudo apt-get install etcd-server").contains(DistributedBankExample.ENDPOINTS_ENV)
                .doesNotContain("== stm4j example");
    }

    @Test
    void namesAreCaseInsensitiveAndSizesMayHaveUnderscores() throws Exception {
        Captured run = Captured.main("Buffer", "1_000");
        assertThat(run.status()).isZero();
        assertThat(run.output()).startsWith("== stm4j example: buffer (size 1,000) ==");
    }

    @Test
    void runDemoShKnowsTheSameExamples() throws Exception {
        java.nio.file.Path script = java.nio.file.Path.of(System.getProperty("user.dir")).resolveSibling("run-demo.sh");
        String line = java.nio.file.Files.readAllLines(script).stream().filter(l -> l.startsWith("examples=\""))
                .findFirst().orElseThrow(() -> new AssertionError("no examples=\"...\" line in " + script));
        List<String> inScript = List.of(line.substring("examples=\"".length(), line.length() - 1).split(" "));
        List<String> inMain = Arrays.stream(Main.Example.values()).map(e -> e.name).toList();
        assertThat(inScript).as("run-demo.sh checks its argument against this list").isEqualTo(inMain);
    }
}
