package io.stm4j.etcd.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** LocalEtcdCluster against the real etcd binary: each test starts and closes its own cluster. */
@Timeout(60)
class LocalEtcdClusterTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    /** Process.exitValue of a process ended by a signal: 128 + the signal's number */
    private static final int KILLED_BY_SIGKILL = 128 + 9;
    private static final int KILLED_BY_SIGTERM = 128 + 15;

    private final Kv kv = new Kv();

    @BeforeAll
    static void needsEtcd() {
        EtcdClusterExtension.requireEtcdBinary(System::getenv);
    }

    @Test
    void aPutThroughOneMemberIsReadThroughTheOthers() throws Exception {
        try (LocalEtcdCluster cluster = LocalEtcdCluster.start(3)) {
            assertThat(cluster.size()).isEqualTo(3);
            assertThat(cluster.endpoints()).hasSize(3).doesNotHaveDuplicates()
                    .allSatisfy(e -> assertThat(e).matches("http://127\\.0\\.0\\.1:\\d+"));
            assertThat(cluster.endpoint(1)).isEqualTo(cluster.endpoints().get(1));
            kv.put(cluster.endpoint(0), "greeting", "hello");
            assertThat(kv.get(cluster.endpoint(1), "greeting")).contains("hello");
            assertThat(kv.get(cluster.endpoint(2), "greeting")).contains("hello");
            // each member lists the three members, each with its own client URL
            assertThat(kv.memberClientUrls(cluster.endpoint(2))).containsExactlyInAnyOrderElementsOf(cluster.endpoints());
        }
    }

    @Test
    void killingTheLeaderElectsAnotherAmongTheOthersAndWritesGoOn() throws Exception {
        try (LocalEtcdCluster cluster = LocalEtcdCluster.start(3)) {
            int old = cluster.leader();
            long oldPid = cluster.pid(old);
            cluster.kill(old);

            assertThat(cluster.isRunning(old)).isFalse();
            assertThat(cluster.process(old).exitValue()).as("exit status: killed by SIGKILL").isEqualTo(KILLED_BY_SIGKILL);
            assertThat(ProcessHandle.of(oldPid).map(ProcessHandle::isAlive)).isNotEqualTo(Optional.of(true));
            int leader = cluster.leader();
            assertThat(leader).isNotEqualTo(old).isBetween(0, 2);
            int other = 3 - old - leader;
            kv.put(cluster.endpoint(other), "after-kill", "written");
            assertThat(kv.get(cluster.endpoint(leader), "after-kill")).contains("written");
        }
    }

    @Test
    void aRestartedMemberRejoinsWithItsDataAndReadsTheLatestValue() throws Exception {
        try (LocalEtcdCluster cluster = LocalEtcdCluster.start(3)) {
            int victim = cluster.leader();
            kv.put(cluster.endpoint(victim), "k", "before");
            long oldPid = cluster.pid(victim);
            cluster.kill(victim);
            int survivor = (victim + 1) % 3;
            cluster.awaitLeader(WAIT);
            kv.put(cluster.endpoint(survivor), "k", "after");
            assertThatThrownBy(() -> cluster.kill(victim)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("member-" + victim).hasMessageContaining("not running");

            cluster.restart(victim);

            assertThat(cluster.isRunning(victim)).isTrue();
            assertThat(cluster.pid(victim)).isNotEqualTo(oldPid);
            cluster.awaitHealthy(WAIT);
            assertThat(kv.get(cluster.endpoint(victim), "k")).contains("after");
            // its own applied state, not only the leader's answer: replication reached it
            Eventually.until(WAIT, () -> kv.getLocal(cluster.endpoint(victim), "k"), v -> v.equals(Optional.of("after")));
            assertThatThrownBy(() -> cluster.restart(victim)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("is running");
        }
    }

    @Test
    void aPausedMemberIsAliveButSilentAndCatchesUpWhenResumed() throws Exception {
        try (LocalEtcdCluster cluster = LocalEtcdCluster.start(3)) {
            int paused = cluster.leader();
            cluster.pause(paused);

            assertThat(cluster.isRunning(paused)).isTrue();
            assertThat(cluster.isPaused(paused)).isTrue();
            assertThat(LocalEtcdCluster.processState(cluster.pid(paused))).isIn('T', 't');
            // it accepts the connection (the kernel does) but answers nothing
            assertThatThrownBy(() -> Gateway.post(cluster.endpoint(paused), "/v3/maintenance/status", "{}",
                    Duration.ofMillis(300))).isInstanceOf(HttpTimeoutException.class);
            int leader = cluster.leader();
            assertThat(leader).isNotEqualTo(paused);
            kv.put(cluster.endpoint(leader), "k", "while-paused");

            cluster.resume(paused);

            assertThat(cluster.isPaused(paused)).isFalse();
            cluster.awaitHealthy(WAIT);
            Eventually.until(WAIT, () -> kv.getLocal(cluster.endpoint(paused), "k"),
                    v -> v.equals(Optional.of("while-paused")));
            assertThatThrownBy(() -> cluster.resume(paused)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("not paused");
        }
    }

    @Test
    void stopIsSigtermAndAPausedMemberCanBeStoppedAndRestarted() throws Exception {
        try (LocalEtcdCluster cluster = LocalEtcdCluster.start(3)) {
            int follower = (cluster.leader() + 1) % 3;
            cluster.stop(follower);
            assertThat(cluster.process(follower).exitValue()).as("exit status: SIGTERM").isEqualTo(KILLED_BY_SIGTERM);
            cluster.restart(follower);
            cluster.pause(follower);
            cluster.stop(follower);
            assertThat(cluster.isRunning(follower)).isFalse();
            assertThat(cluster.isPaused(follower)).isFalse();
            cluster.restart(follower);
            cluster.awaitHealthy(WAIT);
        }
    }

    @Test
    void closeLeavesNoEtcdProcessAndNoData() throws Exception {
        LocalEtcdCluster cluster = LocalEtcdCluster.start(3);
        List<Long> pids = new ArrayList<>();
        List<Path> dirs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            pids.add(cluster.pid(i));
            dirs.add(cluster.memberDir(i));
            assertThat(cluster.memberDir(i).resolve("etcd.log")).exists();
        }
        cluster.pause(1); // close kills a paused member too

        cluster.close();

        for (int i = 0; i < 3; i++) {
            assertThat(cluster.isRunning(i)).isFalse();
            assertThat(Processes.gone(pids.get(i))).as("pid %d gone", pids.get(i)).isTrue();
            assertThat(dirs.get(i)).doesNotExist();
        }
        assertThat(dirs.get(0).getParent()).doesNotExist();
        cluster.close(); // idempotent
        assertThatThrownBy(() -> cluster.kill(0)).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void twoClustersAtOnceDoNotInterfere() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<LocalEtcdCluster> clusters = new ArrayList<>();
        try {
            List<Future<LocalEtcdCluster>> starts = List.of(
                    pool.submit(() -> LocalEtcdCluster.start(3)), pool.submit(() -> LocalEtcdCluster.start(3)));
            for (Future<LocalEtcdCluster> f : starts) {
                clusters.add(f.get(50, TimeUnit.SECONDS));
            }
            LocalEtcdCluster a = clusters.get(0);
            LocalEtcdCluster b = clusters.get(1);
            Set<String> all = new HashSet<>(a.endpoints());
            all.addAll(b.endpoints());
            assertThat(all).hasSize(6);

            kv.put(a.endpoint(0), "who", "a");
            kv.put(b.endpoint(0), "who", "b");
            assertThat(kv.get(a.endpoint(2), "who")).contains("a");
            assertThat(kv.get(b.endpoint(2), "who")).contains("b");
            assertThat(kv.memberClientUrls(a.endpoint(1))).containsExactlyInAnyOrderElementsOf(a.endpoints());
            assertThat(kv.memberClientUrls(b.endpoint(1))).containsExactlyInAnyOrderElementsOf(b.endpoints());

            a.kill(a.leader());
            assertThat(b.awaitLeader(WAIT)).isEqualTo(b.leader());
            kv.put(b.endpoint(b.leader()), "who", "still b");
            assertThat(kv.get(a.endpoint(a.leader()), "who")).contains("a");
        } finally {
            pool.shutdown();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            for (LocalEtcdCluster c : clusters) {
                c.close();
            }
        }
    }

    @Test
    void aOneMemberClusterLeadsItself() throws Exception {
        try (LocalEtcdCluster cluster = LocalEtcdCluster.start(1)) {
            assertThat(cluster.leader()).isZero();
            kv.put(cluster.endpoint(0), "solo", "yes");
            assertThat(kv.get(cluster.endpoint(0), "solo")).contains("yes");
        }
    }

    @Test
    void extraArgumentsReachEtcdAndManagedFlagsAreRefused() throws Exception {
        assertThatThrownBy(() -> LocalEtcdCluster.start(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LocalEtcdCluster.start(LocalEtcdCluster.MAX_MEMBERS + 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LocalEtcdCluster.start(1, List.of("--data-dir=/elsewhere")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--data-dir");
        // etcd refuses a put of more than --max-request-bytes
        try (LocalEtcdCluster cluster = LocalEtcdCluster.start(1, List.of("--max-request-bytes", "1024"))) {
            kv.put(cluster.endpoint(0), "small", "fits");
            assertThatThrownBy(() -> kv.put(cluster.endpoint(0), "big", "x".repeat(4096)))
                    .hasMessageContaining("request is too large");
        }
    }

    @Test
    void aStartThatFailsSaysWhichMemberAndItsLogAndLeavesNothing() throws Exception {
        // an unknown flag: etcd prints its complaint and exits 2 at once
        Set<Path> before = clusterDirs();
        assertThatThrownBy(() -> LocalEtcdCluster.start(3, List.of("--no-such-flag")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("member-0 (pid ")
                .hasMessageContaining("client http://127.0.0.1:")
                .hasMessageContaining("peer port ")
                .hasMessageContaining("exited with status 2")
                .hasMessageContaining("no-such-flag");
        assertThat(clusterDirs()).isSubsetOf(before);
    }

    @Test
    void theBinaryPropertyWinsAndANonExecutableOneIsNotThere() {
        Optional<Path> found = LocalEtcdCluster.etcdBinary();
        assertThat(found).isPresent();
        String saved = System.getProperty(LocalEtcdCluster.BINARY_PROPERTY);
        try {
            System.setProperty(LocalEtcdCluster.BINARY_PROPERTY, "/nonexistent/etcd");
            assertThat(LocalEtcdCluster.etcdBinary()).isEmpty();
            assertThat(LocalEtcdCluster.binaryNotFound()).contains("/nonexistent/etcd");
            assertThatThrownBy(() -> LocalEtcdCluster.start(1)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("/nonexistent/etcd").hasMessageContaining("apt-get install etcd-server");
            System.setProperty(LocalEtcdCluster.BINARY_PROPERTY, found.get().toString());
            assertThat(LocalEtcdCluster.etcdBinary()).contains(found.get());
        } finally {
            restoreProperty(LocalEtcdCluster.BINARY_PROPERTY, saved);
        }
    }

    static void restoreProperty(String name, String saved) {
        if (saved == null) {
            System.clearProperty(name);
        } else {
            System.setProperty(name, saved);
        }
    }

    private static Set<Path> clusterDirs() throws Exception {
        try (var dirs = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return dirs.filter(p -> p.getFileName().toString().startsWith("stm4j-etcd-local-")).collect(Collectors.toSet());
        }
    }
}
