package io.stm4j.etcd.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** etcd-cluster.sh from the source tree, as a user or run-demo.sh runs it. */
@Timeout(90)
class EtcdClusterScriptTest {
    private static final Path SCRIPT = Path.of(System.getProperty("stm4j.etcd.script", "etcd-cluster.sh"));

    @TempDir
    Path tmp;

    private final Kv kv = new Kv();

    @BeforeAll
    static void needsEtcd() {
        EtcdClusterExtension.requireEtcdBinary(System::getenv);
        assertThat(SCRIPT).isExecutable();
    }

    /** What a run of the script printed and how it exited. */
    record Run(int status, String stdout, String stderr) {
    }

    @Test
    void startWritesEndpointsAndPidsOfAHealthyClusterAndStopLeavesNothing() throws Exception {
        Path dir = tmp.resolve("cluster");
        Run start = script(Map.of(), "start", dir.toString());
        assertThat(start.status()).as(start.stderr()).isZero();

        String endpointsLine = Files.readString(dir.resolve("endpoints")).trim();
        assertThat(start.stdout().trim()).isEqualTo(endpointsLine);
        List<String> endpoints = List.of(endpointsLine.split(","));
        assertThat(endpoints).hasSize(3).doesNotHaveDuplicates()
                .allSatisfy(e -> assertThat(e).matches("http://127\\.0\\.0\\.1:\\d+"));
        long[] pids = Arrays.stream(Files.readString(dir.resolve("pids")).trim().split(","))
                .mapToLong(Long::parseLong).toArray();
        assertThat(pids).hasSize(3);
        try {
            kv.put(endpoints.get(0), "from-script", "hello");
            assertThat(kv.get(endpoints.get(2), "from-script")).contains("hello");
            Run status = script(Map.of(), "status", dir.toString());
            assertThat(status.status()).as(status.stdout() + status.stderr()).isZero();
            assertThat(status.stdout()).contains("healthy").contains(endpoints.get(1));
            // a second start finds the running cluster and reuses it
            Run again = script(Map.of(), "start", dir.toString());
            assertThat(again.status()).isZero();
            assertThat(again.stdout().trim()).isEqualTo(endpointsLine);
        } finally {
            Run stop = script(Map.of(), "stop", dir.toString());
            assertThat(stop.status()).as(stop.stderr()).isZero();
        }
        Processes.awaitGone(Duration.ofSeconds(10), pids);
        assertThat(dir).doesNotExist();
        assertThat(script(Map.of(), "status", dir.toString()).status()).isEqualTo(1);
    }

    @Test
    void withoutEtcdItSaysHowToInstallItAndExits2() throws Exception {
        Run start = script(Map.of("ETCD_BINARY", "/nonexistent/etcd"), "start", tmp.resolve("none").toString());
        assertThat(start.status()).isEqualTo(2);
        assertThat(start.stderr()).contains("sudo apt-get install etcd-server");
        assertThat(tmp.resolve("none")).doesNotExist();
    }

    @Test
    void aWrongCommandIsAUsageError() throws Exception {
        Run run = script(Map.of(), "restart");
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.stderr()).contains("usage: etcd-cluster.sh start|stop|status [DIR]");
    }

    private static Run script(Map<String, String> env, String... args) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder();
        builder.command().add(SCRIPT.toString());
        builder.command().addAll(List.of(args));
        builder.environment().putAll(env);
        Path out = Files.createTempFile("etcd-cluster-sh", ".out");
        Path err = Files.createTempFile("etcd-cluster-sh", ".err");
        try {
            Process p = builder.redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("etcd-cluster.sh " + String.join(" ", args) + " still runs after 60 s");
            }
            return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.delete(out);
            Files.delete(err);
        }
    }
}
