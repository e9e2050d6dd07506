package io.stm4j.etcd.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.abortedWithReason;
import static org.junit.platform.testkit.engine.EventConditions.container;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.assertj.core.api.Condition;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;
import org.opentest4j.TestAbortedException;

/**
 * EtcdClusterExtension as a test class uses it (the ordered tests below: damage in one, restored for the next),
 * and, run through the JUnit Platform test kit, the nested classes: fresh clusters per test, and a missing etcd
 * binary (skipped, or failed where CI=true).
 */
@Timeout(60)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EtcdClusterExtensionTest {
    @RegisterExtension
    static final EtcdClusterExtension etcd = EtcdClusterExtension.threeMembers();

    private static List<String> endpointsSeenFirst;
    private static LocalEtcdCluster injectedBeforeAll;
    /** counts the tests of the nested cases without etcd that ran: none should */
    private static int ranWithoutEtcd;

    private final Kv kv = new Kv();

    @BeforeAll
    static void theClusterIsUpBeforeAllAndInjectable(LocalEtcdCluster cluster) {
        injectedBeforeAll = cluster;
    }

    @Test
    @Order(1)
    void aTestKillsTheLeaderAndPausesAnother(LocalEtcdCluster cluster) throws Exception {
        assertThat(cluster).isSameAs(etcd.cluster()).isSameAs(injectedBeforeAll);
        endpointsSeenFirst = etcd.endpoints();
        int leader = cluster.leader();
        kv.put(cluster.endpoint((leader + 2) % 3), "left-by-test-1", "yes");
        // one member left: no quorum, until the extension restores the other two
        cluster.kill(leader);
        cluster.pause((leader + 1) % 3);
    }

    @Test
    @Order(2)
    void theNextTestFindsEveryMemberBackAtTheSameEndpointsWithTheData(LocalEtcdCluster cluster) throws Exception {
        assertThat(cluster).isSameAs(injectedBeforeAll);
        assertThat(cluster.endpoints()).isEqualTo(endpointsSeenFirst);
        for (int i = 0; i < 3; i++) {
            assertThat(cluster.isRunning(i)).as("member-%d running", i).isTrue();
            assertThat(cluster.isPaused(i)).as("member-%d paused", i).isFalse();
            // a linearizable read through each member: each answers, and has applied what the leader had
            assertThat(kv.get(cluster.endpoint(i), "left-by-test-1")).contains("yes");
        }
    }

    @Test
    @Order(3)
    void freshPerTestGivesEachTestItsOwnClusterAndClosesIt() {
        FreshPerTestCase.seen.clear();
        Events tests = EngineTestKit.engine("junit-jupiter").selectors(selectClass(FreshPerTestCase.class))
                .execute().testEvents();
        tests.assertStatistics(s -> s.succeeded(2).failed(0).aborted(0));
        List<LocalEtcdCluster> seen = FreshPerTestCase.seen;
        assertThat(seen).hasSize(2);
        assertThat(seen.get(0)).isNotSameAs(seen.get(1));
        assertThat(seen.get(0).endpoints()).doesNotContainAnyElementsOf(seen.get(1).endpoints());
        for (LocalEtcdCluster c : seen) {
            assertThat(c.isRunning(0)).isFalse();
            assertThat(c.memberDir(0)).doesNotExist();
        }
    }

    @Test
    @Order(4)
    void withoutEtcdTheTestsAreSkippedOneByOneWithHowToInstallIt() {
        String saved = System.getProperty(LocalEtcdCluster.BINARY_PROPERTY);
        System.setProperty(LocalEtcdCluster.BINARY_PROPERTY, "/nonexistent/etcd");
        try {
            // each test skipped with the reason, not the class (which Maven's reports show as "Tests run: 0")
            EngineTestKit.engine("junit-jupiter").selectors(selectClass(SkippedCase.class)).execute().testEvents()
                    .assertThatEvents().haveExactly(2, event(abortedWithReason(instanceOf(TestAbortedException.class),
                            message(m -> m.contains("/nonexistent/etcd") && m.contains("apt-get install etcd-server")))));
            assertThat(ranWithoutEtcd).isZero();
        } finally {
            LocalEtcdClusterTest.restoreProperty(LocalEtcdCluster.BINARY_PROPERTY, saved);
        }
    }

    @Test
    @Order(5)
    void withoutEtcdWhereCiIsTrueTheTestsFail() {
        runWithoutEtcd(FailedOnCiCase.class, finishedWithFailure(instanceOf(IllegalStateException.class),
                message(m -> m.contains("etcd-server must be installed") && m.contains("apt-get install"))));
    }

    /**
     * Runs {@code testClass} with stm4j.etcd.binary naming no file: its class container ends as {@code outcome}
     * says, and none of its tests runs.
     */
    private static void runWithoutEtcd(Class<?> testClass, Condition<Event> outcome) {
        String saved = System.getProperty(LocalEtcdCluster.BINARY_PROPERTY);
        System.setProperty(LocalEtcdCluster.BINARY_PROPERTY, "/nonexistent/etcd");
        try {
            EngineTestKit.engine("junit-jupiter").selectors(selectClass(testClass)).execute().containerEvents()
                    .assertThatEvents().haveExactly(1, event(container(testClass.getSimpleName()), outcome));
            assertThat(ranWithoutEtcd).isZero();
        } finally {
            LocalEtcdClusterTest.restoreProperty(LocalEtcdCluster.BINARY_PROPERTY, saved);
        }
    }

    /** Run only through the test kit above (Surefire leaves nested classes alone). */
    static class FreshPerTestCase {
        static final List<LocalEtcdCluster> seen = new ArrayList<>();

        @RegisterExtension
        static final EtcdClusterExtension etcd = EtcdClusterExtension.members(1).freshPerTest();

        @Test
        void one(LocalEtcdCluster cluster) {
            seen.add(cluster);
            cluster.kill(0); // nothing restores it: the cluster is closed after this test
        }

        @Test
        void two(LocalEtcdCluster cluster) {
            seen.add(cluster);
            assertThat(cluster.isRunning(0)).isTrue();
        }
    }

    /** Run only through the test kit above, without an etcd binary and without CI. */
    static class SkippedCase {

        @RegisterExtension
        static final EtcdClusterExtension etcd = EtcdClusterExtension.threeMembers().withEnvironment(name -> null);

        @Test
        void needsEtcd() {
            ranWithoutEtcd++;
        }

        @Test
        void needsEtcdToo() {
            ranWithoutEtcd++;
        }
    }

    /** Run only through the test kit above, without an etcd binary, where CI=true. */
    static class FailedOnCiCase {

        @RegisterExtension
        static final EtcdClusterExtension etcd = EtcdClusterExtension.threeMembers()
                .withEnvironment(Map.of("CI", "true")::get);

        @Test
        void needsEtcd() {
            ranWithoutEtcd++;
        }
    }
}
