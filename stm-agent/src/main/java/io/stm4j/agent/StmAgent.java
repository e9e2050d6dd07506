package io.stm4j.agent;

import io.stm4j.Shared;
import io.stm4j.agent.internal.AgentOptions;
import io.stm4j.agent.internal.AgentSetup;
import io.stm4j.agent.internal.StmTransformer;
import io.stm4j.internal.AgentSupport;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;

/**
 * The stm4j Java agent: makes {@code @Shared} fields and {@code @Atomic} methods transactional.
 *
 * <p>Attach it at JVM start, before any application class loads:
 * <pre>java -javaagent:stm-agent-&lt;version&gt;.jar[=verbose,exclude=com.example.legacy.] -cp app.jar Main</pre>
 * Arguments: {@code verbose} logs each rewritten class; {@code exclude=<prefix>} (repeatable) leaves
 * classes whose name starts with the prefix alone. An unknown argument stops the JVM with an error
 * naming it. The application's class path must hold {@code stm-runtime} (and {@code stm-api}); when it
 * does not, the agent stops the JVM with a message saying so. Attaching the agent a second time is
 * refused with an error naming both attachments. Started with {@code -javaagent}, each of these
 * stops the JVM with one line on standard error, {@code stm4j: <what is wrong>}, and exit status 1;
 * attached later ({@link #agentmain}), it is thrown to whoever attached it.
 *
 * <p>The agent rewrites a class when it is first loaded. Classes already loaded when it arrives
 * ({@link #install()}) are not rewritten: accesses to their {@code @Shared} fields stay plain, and
 * {@code install()} logs each such class by name.
 *
 * <p>Limits: reflection, {@code MethodHandle}/{@code VarHandle} access, {@code Unsafe}, JNI and array
 * elements bypass the store; only the array reference in a {@code @Shared} field is transactional.
 */
public final class StmAgent {
    private static final System.Logger LOG = System.getLogger("io.stm4j.agent");

    private StmAgent() {
    }

    /**
     * Entry point for {@code -javaagent}.
     *
     * @param args the agent arguments
     * @param inst the instrumentation
     */
    public static void premain(String args, Instrumentation inst) {
        String copy = AgentSetup.foreignCopy(StmAgent.class.getProtectionDomain().getCodeSource());
        if (copy != null) {
            LOG.log(System.Logger.Level.WARNING, copy);
        }
        try {
            start(args, inst, "-javaagent");
        } catch (IllegalArgumentException | IllegalStateException e) {
            // The JVM would abort (status 134) under a stack of its own internals; one line is enough.
            System.err.println("stm4j: " + e.getMessage());
            System.err.flush();
            System.exit(1);
        }
    }

    /**
     * Entry point for attaching to a running JVM, and for an executable jar whose manifest names
     * this class as its {@code Launcher-Agent-Class}.
     *
     * @param args the agent arguments
     * @param inst the instrumentation
     */
    public static void agentmain(String args, Instrumentation inst) {
        start(args, inst, "agentmain (dynamic attach or Launcher-Agent-Class)");
    }

    /**
     * Attaches the agent to this JVM if it is not active yet (for tests and tools). Classes loaded
     * before this call are not rewritten; those that declare {@code @Shared} fields are logged.
     *
     * @throws IllegalStateException if the JVM does not allow attaching an agent, or stm-runtime is
     *     not on the class path
     */
    public static synchronized void install() {
        AgentSetup.requireRuntime(StmAgent.class.getClassLoader());
        if (AgentSupport.isActive()) {
            return;
        }
        Instrumentation inst = net.bytebuddy.agent.ByteBuddyAgent.install();
        start(null, inst, "StmAgent.install()");
    }

    private static synchronized void start(String args, Instrumentation inst, String how) {
        AgentOptions options = AgentOptions.parse(args);
        AgentSetup.requireRuntime(StmAgent.class.getClassLoader());
        if (!AgentSupport.activate(how)) {
            throw new IllegalStateException("the stm4j agent is already active (started by "
                    + AgentSupport.activatedBy() + "); this second start (" + how + ") is refused: start it"
                    + " once. Look for a second -javaagent:...stm-agent...jar on the command line, in"
                    + " JAVA_TOOL_OPTIONS or JDK_JAVA_OPTIONS, or in a build tool's argLine, and for a"
                    + " Launcher-Agent-Class in the application jar's manifest; StmAgent.install() does"
                    + " nothing once the agent is active.");
        }
        StmTransformer transformer = new StmTransformer(options);
        List<String> missed = new ArrayList<>();
        for (Class<?> c : inst.getAllLoadedClasses()) {
            if (declaresShared(c)) {
                transformer.markPreloaded(c.getName());
                missed.add(c.getName());
            }
        }
        inst.addTransformer(transformer, false);
        for (String name : missed) {
            LOG.log(System.Logger.Level.WARNING, "stm4j: " + name + " was loaded before the agent ("
                    + how + "); its @Shared fields are NOT transactional. Attach the agent with"
                    + " -javaagent so that it starts before the application.");
        }
    }

    private static boolean declaresShared(Class<?> c) {
        ClassLoader l = c.getClassLoader();
        if (l == null || c.isArray() || c.isPrimitive() || c.getName().startsWith("java.")
                || c.getName().startsWith("jdk.") || c.getName().startsWith("sun.")) {
            return false;
        }
        try {
            for (Field f : c.getDeclaredFields()) {
                if (f.isAnnotationPresent(Shared.class)) {
                    return true;
                }
            }
        } catch (Throwable e) {
            return false; // a class whose fields cannot be listed cannot be fixed here either
        }
        return false;
    }
}
