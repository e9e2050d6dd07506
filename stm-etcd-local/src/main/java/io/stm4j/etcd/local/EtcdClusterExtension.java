package io.stm4j.etcd.local;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.WARNING;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A JUnit 5 extension that gives a test class a {@link LocalEtcdCluster}:
 * <pre>{@code
 * @RegisterExtension
 * static EtcdClusterExtension etcd = EtcdClusterExtension.threeMembers();
 *
 * @Test
 * void survivesTheLeader(LocalEtcdCluster cluster) {     // or etcd.cluster(), etcd.endpoints()
 *     cluster.kill(cluster.leader());
 *     ...
 * }
 * }</pre>
 * or {@code @ExtendWith(EtcdClusterExtension.class)} (three members, shared) with the cluster injected as
 * a parameter of test, lifecycle or constructor methods.
 *
 * <p><b>One cluster per class, restored after each test</b> (the default): the cluster starts before all
 * tests of the class (about half a second) and is closed after them. After each test, every member the
 * test paused is resumed and every member it killed or stopped is restarted, and the extension waits
 * until all members agree on a leader: the next test finds all members up, at the same endpoints. Data
 * stays: tests that share a cluster use keys of their own (or delete them). If the cluster cannot be
 * restored, that test fails in its after-each step with the reason, and the extension replaces the
 * cluster by a fresh one, at new endpoints, for the tests that follow.
 *
 * <p><b>{@link #freshPerTest()}</b>: a new cluster for each test, closed after it: no data nor damage
 * carries over, for half a second per test.
 *
 * <p><b>No etcd binary</b> ({@link LocalEtcdCluster#etcdBinary()} finds none): where the environment
 * variable {@code CI} is {@code true} the class FAILS, with a message saying that etcd-server must be
 * installed ({@code apt-get install etcd-server}): a CI run must not pass by skipping. Elsewhere each of its
 * tests is SKIPPED (an aborted assumption) with a message saying how to install etcd — each test, not
 * the class, so that Maven's reports show the reason (they show a class skipped as "Tests run: 0").
 *
 * <p><b>Where it stops.</b> The test methods of a class must run one at a time (JUnit's default): they
 * share one cluster, and the per-test state lives in this object. With a non-static {@code
 * @RegisterExtension} field JUnit calls no class-level callbacks, and each test gets a fresh cluster.
 * Linux only, as {@link LocalEtcdCluster}. Needs {@code junit-jupiter-api} 5.9 or later on the test class
 * path; this module declares it {@code provided}, so it brings no JUnit to anyone.
 */
public final class EtcdClusterExtension
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback, ParameterResolver {
    private final int members;
    private final boolean freshPerTest;
    private final Function<String, String> environment;

    private volatile LocalEtcdCluster cluster;
    /** the unique id of the class context that started {@link #cluster}: only its after-all closes it */
    private volatile String startedBy;
    /** whether {@link #cluster} was started for the current test and is closed after it */
    private volatile boolean startedForTest;

    /** For {@code @ExtendWith}: three members, one cluster per class, restored after each test. */
    public EtcdClusterExtension() {
        this(3, false, System::getenv);
    }

    private EtcdClusterExtension(int members, boolean freshPerTest, Function<String, String> environment) {
        if (members < 1 || members > LocalEtcdCluster.MAX_MEMBERS) {
            throw new IllegalArgumentException("a local etcd cluster has 1 to " + LocalEtcdCluster.MAX_MEMBERS
                    + " members, not " + members);
        }
        this.members = members;
        this.freshPerTest = freshPerTest;
        this.environment = environment;
    }

    /** Three members, one cluster per class, restored after each test. */
    public static EtcdClusterExtension threeMembers() {
        return new EtcdClusterExtension();
    }

    /**
     * {@code count} members (1 to {@value LocalEtcdCluster#MAX_MEMBERS}), one cluster per class, restored after each test.
     *
     * @throws IllegalArgumentException a count out of range
     */
    public static EtcdClusterExtension members(int count) {
        return new EtcdClusterExtension(count, false, System::getenv);
    }

    /** A copy of this extension that starts a new cluster before each test and closes it after that test. */
    public EtcdClusterExtension freshPerTest() {
        return new EtcdClusterExtension(members, true, environment);
    }

    /** A copy that reads environment variables ({@code CI}) from {@code environment}: for this module's tests. */
    EtcdClusterExtension withEnvironment(Function<String, String> environment) {
        return new EtcdClusterExtension(members, freshPerTest, environment);
    }

    /**
     * The cluster of the running test class (or test, with {@link #freshPerTest()}).
     *
     * @throws IllegalStateException called outside the extension's tests, before it started a cluster
     */
    public LocalEtcdCluster cluster() {
        LocalEtcdCluster c = cluster;
        if (c == null) {
            throw new IllegalStateException("no local etcd cluster now: EtcdClusterExtension starts one before the "
                    + "tests of its class (before each test with freshPerTest()) and closes it after them");
        }
        return c;
    }

    /** {@code cluster().endpoints()}: the members' client URLs. */
    public List<String> endpoints() {
        return cluster().endpoints();
    }

    /** Starts the class's cluster, unless fresh per test or an enclosing class's cluster is running. */
    @Override
    public void beforeAll(ExtensionContext context) {
        if (!freshPerTest && cluster == null) {
            if (LocalEtcdCluster.etcdBinary().isEmpty() && !onCi()) {
                // skipped in beforeEach instead, test by test: Surefire and Failsafe report a class skipped
                // here as "Tests run: 0" without the reason (SUREFIRE-2300)
                return;
            }
            cluster = startOrSkip();
            startedBy = context.getUniqueId();
        }
    }

    /** Starts the test's cluster when fresh per test, or when no class-level callback ran. */
    @Override
    public void beforeEach(ExtensionContext context) {
        if (freshPerTest || cluster == null) {
            cluster = startOrSkip();
            startedForTest = true;
        }
    }

    /** Closes the test's own cluster, or restores the shared one (see the class comment). */
    @Override
    public void afterEach(ExtensionContext context) {
        if (startedForTest) {
            startedForTest = false;
            LocalEtcdCluster c = cluster;
            cluster = null;
            c.close();
        } else if (cluster != null) {
            restore();
        }
    }

    /** Closes the cluster that {@link #beforeAll} of this class started. */
    @Override
    public void afterAll(ExtensionContext context) {
        if (cluster != null && context.getUniqueId().equals(startedBy)) {
            LocalEtcdCluster c = cluster;
            cluster = null;
            startedBy = null;
            c.close();
        }
    }

    /** Supports parameters of type {@link LocalEtcdCluster}. */
    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == LocalEtcdCluster.class;
    }

    /** The current {@link #cluster()}. */
    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return cluster();
    }

    private boolean onCi() {
        return "true".equalsIgnoreCase(environment.apply("CI"));
    }

    private LocalEtcdCluster startOrSkip() {
        requireEtcdBinary(environment);
        return LocalEtcdCluster.start(members);
    }

    /**
     * Returns if there is an etcd binary; otherwise fails where {@code CI} is {@code true} in {@code environment}
     * and aborts the test (a skip) elsewhere. Also for this module's tests that run etcd without the extension.
     */
    static void requireEtcdBinary(Function<String, String> environment) {
        if (LocalEtcdCluster.etcdBinary().isPresent()) {
            return;
        }
        String why = LocalEtcdCluster.binaryNotFound();
        if ("true".equalsIgnoreCase(environment.apply("CI"))) {
            throw new IllegalStateException(why + ". etcd-server must be installed where CI=true, so that the "
                    + "etcd tests run instead of being skipped: apt-get install -y etcd-server");
        }
        Assumptions.abort(why + ": skipping the tests that need a local etcd cluster. To run them, "
                + LocalEtcdCluster.INSTALL_HINT);
    }

    /** Resumes paused members, restarts stopped ones, waits for agreement; replaces the cluster if that fails. */
    private void restore() {
        LocalEtcdCluster c = cluster;
        List<String> done = new ArrayList<>();
        try {
            for (int i = 0; i < c.size(); i++) {
                if (c.isPaused(i)) {
                    c.resume(i);
                    done.add("resumed member-" + i);
                } else if (!c.isRunning(i)) {
                    c.restart(i);
                    done.add("restarted member-" + i);
                }
            }
            c.awaitHealthy(LocalEtcdCluster.DEFAULT_TIMEOUT);
            if (!done.isEmpty()) {
                LocalEtcdCluster.LOG.log(DEBUG, "after the test: {0}", done);
            }
        } catch (RuntimeException e) {
            LocalEtcdCluster.LOG.log(WARNING, "could not restore " + c + " after a test; replacing it", e);
            cluster = null;
            try {
                c.close();
            } catch (RuntimeException closing) {
                e.addSuppressed(closing);
            }
            try {
                cluster = LocalEtcdCluster.start(members);
            } catch (RuntimeException starting) {
                // the next test's before-each tries again, for that test alone
                e.addSuppressed(starting);
            }
            throw new IllegalStateException("could not restore the local etcd cluster after this test (" + done
                    + "); the tests that follow get a fresh cluster at new endpoints", e);
        }
    }
}
