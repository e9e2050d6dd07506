package io.stm4j.junit;

import io.stm4j.Stm;
import io.stm4j.agent.StmAgent;
import java.util.function.BooleanSupplier;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Attaches the stm4j agent when a JUnit Platform launcher session opens, before any test class is
 * discovered, so that a test suite needs no {@code -javaagent} in Surefire's {@code argLine}.
 *
 * <p><b>Use.</b> Add the dependency, nothing else:
 * <pre>{@code
 * <dependency>
 *   <groupId>io.stm4j</groupId>
 *   <artifactId>stm-junit</artifactId>
 *   <version>0.1.0-SNAPSHOT</version>
 *   <scope>test</scope>
 * </dependency>
 * }</pre>
 * It brings stm-agent (and through it stm-runtime and stm-api) to the test class path. The JUnit
 * Platform finds this listener through {@link java.util.ServiceLoader} ({@code
 * META-INF/services/org.junit.platform.launcher.LauncherSessionListener}) and calls it when a
 * launcher session opens: Maven Surefire 3.x opens one before it scans the test classes (tested
 * with 3.5.4, on JDK 17 and 25), and so does any runner that uses the Platform launcher 1.8 or
 * later. {@code @BeforeAll} or an extension would be too late: by then discovery has
 * loaded the test classes, and the agent rewrites a class only when it is first loaded.
 *
 * <p><b>What it does.</b> When the session opens: if {@link Stm#isAgentActive()} is already true
 * (the agent was given with {@code -javaagent}, in an {@code argLine}, {@code JAVA_TOOL_OPTIONS} or
 * a {@code Launcher-Agent-Class}), nothing: no second attach, so an existing {@code argLine} keeps
 * working unchanged and may stay or go. Otherwise it calls {@link StmAgent#install()}, which
 * attaches the agent to the running JVM (Byte Buddy's self-attach; on JDK 9+ through a short-lived
 * helper JVM, as the JDK refuses a process attaching to itself by default). A launcher that opens
 * several sessions in one JVM attaches once.
 *
 * <p><b>What it prints.</b> On JDK 17 nothing. On JDK 21 and later the JVM itself prints four
 * {@code WARNING:} lines on standard error for any agent loaded after start-up ("A Java agent has
 * been loaded dynamically ...", JEP 451); add {@code -XX:+EnableDynamicAgentLoading} to the test
 * JVM's options to silence them, or give the agent with {@code -javaagent} instead, or weave at
 * build time. {@link StmAgent#install()} logs one warning per class with {@code @Shared} fields
 * that some other code loaded before the session opened (another session listener, a custom test
 * engine, a {@code JAVA_TOOL_OPTIONS} agent): those fields are not transactional in that JVM. Both
 * the JVM's and stm4j's lines go to standard error, through {@link System.Logger} for stm4j's.
 *
 * <p><b>When it cannot attach</b> (the JVM runs with {@code -XX:+DisableAttachMechanism}, a JRE
 * without the {@code jdk.attach} module, a future JDK that forbids dynamic agents), the session
 * fails with an {@link IllegalStateException} whose message starts with {@code stm4j:} and names
 * the fixes: add {@code -javaagent:<path to stm-agent jar>} to Surefire's {@code argLine}, or weave
 * at build time. No test runs: without the agent {@code @Atomic} and {@code @Shared} would be
 * plain code, and tests would pass or fail for the wrong reasons.
 */
public final class StmAgentSessionListener implements LauncherSessionListener {
    private static final System.Logger LOG = System.getLogger("io.stm4j.junit");

    /** How the last session of this JVM found the agent; read by this module's tests. */
    static volatile Outcome lastOutcome;

    /** What {@link #ensureAgent} found or did. */
    enum Outcome {
        /** the agent was active already (-javaagent, or an earlier session): nothing done */
        ALREADY_ACTIVE,
        /** this listener attached it */
        ATTACHED
    }

    /** Called by the JUnit Platform's {@link java.util.ServiceLoader}. */
    public StmAgentSessionListener() {
    }

    /**
     * Attaches the agent unless it is active already.
     *
     * @param session the session that opens
     * @throws IllegalStateException if the agent could not be attached; the message names the fixes
     */
    @Override
    public void launcherSessionOpened(LauncherSession session) {
        lastOutcome = ensureAgent(Stm::isAgentActive, StmAgent::install);
    }

    /**
     * The decision, apart from the JVM's state so that it can be tested.
     *
     * @param active whether the agent is active
     * @param attach attaches it
     * @return what was found or done
     * @throws IllegalStateException naming the fixes if attaching failed or left the agent inactive
     */
    static Outcome ensureAgent(BooleanSupplier active, Runnable attach) {
        if (active.getAsBoolean()) {
            LOG.log(System.Logger.Level.DEBUG, "stm4j: the agent is already active; stm-junit does not attach it again");
            return Outcome.ALREADY_ACTIVE;
        }
        try {
            attach.run();
        } catch (RuntimeException | LinkageError e) {
            // LinkageError: a JRE without jdk.attach, or a class path missing part of the agent
            throw notAttached(e.getClass().getName() + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
        }
        if (!active.getAsBoolean()) {
            throw notAttached("StmAgent.install() returned, yet the agent is not active", null);
        }
        LOG.log(System.Logger.Level.DEBUG, "stm4j: stm-junit attached the agent before test discovery");
        return Outcome.ATTACHED;
    }

    private static IllegalStateException notAttached(String why, Throwable cause) {
        return new IllegalStateException("stm4j: stm-junit could not attach the stm4j agent to this test JVM ("
                + why + "); without it @Atomic and @Shared are plain code, so no test runs. Fix: add"
                + " -javaagent:<path to stm-agent jar> to the test JVM's options (Surefire's or"
                + " Failsafe's argLine; Gradle's jvmArgs), or weave the classes at build time;"
                + " and remove -XX:+DisableAttachMechanism if it is set", cause);
    }
}
