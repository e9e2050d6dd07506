package io.stm4j.internal;

/**
 * Whether the stm4j agent is active in this JVM, or classes woven at build time are on its class
 * path. The agent reports itself here when it starts; the Guice module and diagnostics ask.
 *
 * <p>Not API: public for the agent and stm4j's own modules.
 */
public final class AgentSupport {
    private static volatile String activatedBy;
    private static volatile boolean woven;

    private AgentSupport() {
    }

    /**
     * Records that the agent is active.
     *
     * @param how how it was attached, for messages (e.g. "-javaagent", "StmAgent.install()")
     * @return false if it was already active
     */
    public static synchronized boolean activate(String how) {
        if (activatedBy != null) {
            return false;
        }
        activatedBy = how;
        return true;
    }

    /** @return whether the agent is active */
    public static boolean isActive() {
        return activatedBy != null;
    }

    /**
     * Whether classes woven at build time are on the class path: the resource
     * {@value Names#WOVEN_RESOURCE} that weaving writes beside them is visible from the runtime's
     * or the current thread's class loader. Only a positive answer is remembered.
     *
     * @return whether this JVM has woven classes to run
     */
    public static boolean wovenClassesPresent() {
        if (woven) {
            return true;
        }
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        for (ClassLoader l : new ClassLoader[] {AgentSupport.class.getClassLoader(), context}) {
            if (l != null && l.getResource(Names.WOVEN_RESOURCE) != null) {
                woven = true;
                return true;
            }
        }
        return false;
    }

    /** @return how the agent was attached, or null if it is not active */
    public static String activatedBy() {
        return activatedBy;
    }
}
