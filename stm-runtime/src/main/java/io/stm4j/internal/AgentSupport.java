package io.stm4j.internal;

/**
 * Whether the stm4j agent is active in this JVM. The agent reports itself here when it starts; the
 * Guice module and diagnostics ask.
 *
 * <p>Not API: public for the agent and stm4j's own modules.
 */
public final class AgentSupport {
    private static volatile String activatedBy;

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

    /** @return how the agent was attached, or null if it is not active */
    public static String activatedBy() {
        return activatedBy;
    }
}
