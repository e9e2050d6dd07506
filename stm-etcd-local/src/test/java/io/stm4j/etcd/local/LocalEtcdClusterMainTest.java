package io.stm4j.etcd.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * LocalEtcdCluster.main in a child JVM: its output and its ends (standard input closed, SIGTERM), and what a
 * JVM killed with SIGKILL leaves behind, which the next start reaps.
 */
@Timeout(60)
class LocalEtcdClusterMainTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    private Process child;

    @BeforeAll
    static void needsEtcd() {
        EtcdClusterExtension.requireEtcdBinary(System::getenv);
    }

    @AfterEach
    void killTheChildJvm() throws InterruptedException {
        if (child != null && child.isAlive()) {
            child.destroyForcibly();
            assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void mainPrintsTheEndpointsAndStopsTheClusterWhenStandardInputEnds() throws Exception {
        Path out = startMain("1");
        String endpoints = awaitLine(out, "ENDPOINTS=");
        long[] pids = pids(awaitLine(out, "PIDS="));
        assertThat(Files.readString(tmp.resolve("pids")).trim()).isEqualTo(awaitLine(out, "PIDS="));
        Path clusterDir = clusterDirOf(pids[0]);

        Kv kv = new Kv();
        kv.put(endpoints, "via-main", "ok");
        assertThat(kv.get(endpoints, "via-main")).contains("ok");

        child.getOutputStream().close();

        assertTheChildEndsAndLeavesNothing(pids, clusterDir);
        assertThat(child.exitValue()).isZero();
    }

    @Test
    void sigtermToTheJvmKillsTheMembersThroughTheShutdownHook() throws Exception {
        Path out = startMain("3", "--until-killed");
        long[] pids = pids(awaitLine(out, "PIDS="));
        assertThat(pids).hasSize(3);
        Path clusterDir = clusterDirOf(pids[0]);

        child.destroy(); // SIGTERM

        assertTheChildEndsAndLeavesNothing(pids, clusterDir);
    }

    @Test
    void membersOfAJvmKilledWithSigkillAreReapedByTheNextStart() throws Exception {
        Path out = startMain("1", "--until-killed");
        long[] pids = pids(awaitLine(out, "PIDS="));
        Path clusterDir = clusterDirOf(pids[0]);

        child.destroyForcibly(); // SIGKILL: no shutdown hook runs
        assertThat(child.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(Processes.gone(pids[0])).as("the orphaned member still runs").isFalse();

        LocalEtcdCluster.start(1).close();

        Processes.awaitGone(WAIT, pids);
        assertThat(clusterDir).doesNotExist();
    }

    private Path startMain(String... args) throws Exception {
        Path classes = Path.of(LocalEtcdCluster.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path out = tmp.resolve("main.out");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classes.toString(), LocalEtcdCluster.class.getName(), "--pids", tmp.resolve("pids").toString());
        builder.command().addAll(List.of(args));
        child = builder.redirectErrorStream(true).redirectOutput(out.toFile()).start();
        return out;
    }

    private void assertTheChildEndsAndLeavesNothing(long[] pids, Path clusterDir) throws InterruptedException {
        assertThat(child.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the child JVM exits").isTrue();
        Processes.awaitGone(WAIT, pids);
        assertThat(clusterDir).doesNotExist();
    }

    /** The first line of the child's output that starts with {@code prefix}, less the prefix; waits for it. */
    private String awaitLine(Path out, String prefix) throws Exception {
        Optional<String> line = Eventually.until(WAIT, () -> {
            if (!child.isAlive()) {
                throw new AssertionError("the child JVM exited with " + child.exitValue() + ":\n" + Files.readString(out));
            }
            return Files.readAllLines(out).stream().filter(l -> l.startsWith(prefix)).findFirst();
        }, Optional::isPresent);
        return line.get().substring(prefix.length());
    }

    private static long[] pids(String line) {
        return Arrays.stream(line.split(",")).mapToLong(Long::parseLong).toArray();
    }

    /** The cluster's directory under java.io.tmpdir, from the member's {@code --data-dir ROOT/member-N/data}. */
    private static Path clusterDirOf(long pid) {
        String[] args = ProcessHandle.of(pid).flatMap(h -> h.info().arguments()).orElseThrow();
        int i = Arrays.asList(args).indexOf("--data-dir");
        Path dir = Path.of(args[i + 1]).getParent().getParent();
        assertThat(dir.getFileName().toString()).startsWith("stm4j-etcd-local-");
        assertThat(dir).isDirectory();
        return dir;
    }
}
