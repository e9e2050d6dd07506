package io.stm4j.junit;

import io.stm4j.internal.AgentSupport;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Opens a JUnit Platform launcher session in a JVM of its own, as Surefire's fork does, so that
 * {@link ChildJvmTest} can run the listener under JVM options that this Surefire run cannot have.
 * Prints one line saying how the session went; exit status 0 if it opened, 3 if it failed.
 */
public final class SessionMain {
    private SessionMain() {
    }

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("preload")) {
            new Preloaded().n = 1;
        }
        LauncherSession session;
        try {
            session = LauncherFactory.openSession();
        } catch (RuntimeException e) {
            System.out.println("session failed: " + e.getMessage());
            System.exit(3);
            return;
        }
        session.close();
        System.out.println("session opened, agent started by " + AgentSupport.activatedBy());
    }
}
