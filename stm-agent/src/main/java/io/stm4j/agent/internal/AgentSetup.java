package io.stm4j.agent.internal;

import io.stm4j.internal.Names;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * Checks of how the agent was set up, made before it touches stm4j's runtime, so that a
 * misconfigured JVM gets a message that says what to do instead of a bare
 * {@code NoClassDefFoundError} or silently non-transactional classes.
 *
 * <p>This class must not refer to any class of {@code stm-runtime} or {@code stm-api}: it runs to
 * find out whether they are there.
 */
public final class AgentSetup {
    /** The agent's entry class, as named in the agent jar's manifest. */
    public static final String AGENT_CLASS = "io.stm4j.agent.StmAgent";
    /** A class of stm-runtime that the agent calls first. */
    static final String RUNTIME_PROBE = Names.AGENT_SUPPORT;
    /** A class of stm-api that the agent reads. */
    static final String API_PROBE = "io.stm4j.Shared";

    private AgentSetup() {
    }

    /**
     * Fails unless stm-runtime and stm-api are visible to {@code loader}, the loader of the agent's
     * own classes: with {@code -javaagent}, the JVM's application class path.
     *
     * @param loader the loader that loaded the agent
     * @throws IllegalStateException naming what is missing and how to put it on the class path
     */
    public static void requireRuntime(ClassLoader loader) {
        String problem = missingRuntime(loader);
        if (problem != null) {
            throw new IllegalStateException(problem);
        }
    }

    /**
     * @param loader the loader that loaded the agent
     * @return why the agent cannot run with {@code loader}'s classes, or null if it can
     */
    static String missingRuntime(ClassLoader loader) {
        List<String> missing = new ArrayList<>();
        if (!visible(loader, RUNTIME_PROBE)) {
            missing.add("stm-runtime (" + RUNTIME_PROBE + ")");
        }
        if (!visible(loader, API_PROBE)) {
            missing.add("stm-api (" + API_PROBE + ")");
        }
        if (missing.isEmpty()) {
            return null;
        }
        return "the stm4j agent cannot start: " + String.join(" and ", missing) + " not found on the class path"
                + " the agent sees (" + describe(loader) + "). The agent jar holds only the agent: put"
                + " stm-runtime-<version>.jar and stm-api-<version>.jar on the JVM's class path beside the"
                + " application (-cp, or the Class-Path of an executable jar's manifest). Jars nested inside"
                + " an application jar (Spring Boot's BOOT-INF/lib, a one-jar) are not on that class path:"
                + " add them with -cp as well and start the application's launcher class instead of using"
                + " -jar, or ship a flat (shaded) jar.";
    }

    /**
     * Looks for a copy of the agent's classes ahead of the agent jar on the class path. With
     * {@code -javaagent:stm-agent.jar} the JVM loads the agent's entry class through the
     * application class loader, which searches the application's class path before the agent jar;
     * an application jar with stm4j's agent classes shaded or packed into it therefore wins, and
     * its copy runs instead.
     *
     * @param source where the agent's entry class was loaded from
     * @return a warning naming that jar and saying what to do, or null when the class came from an
     *     agent jar (its manifest names the agent) or from a directory (a development setup)
     */
    public static String foreignCopy(CodeSource source) {
        URL location = source == null ? null : source.getLocation();
        if (location == null || !"file".equals(location.getProtocol())) {
            return null;
        }
        File file;
        try {
            file = new File(location.toURI());
        } catch (URISyntaxException | IllegalArgumentException e) {
            return null;
        }
        if (!file.isFile()) {
            return null;
        }
        try (JarFile jar = new JarFile(file)) {
            Manifest manifest = jar.getManifest();
            if (manifest != null) {
                Attributes main = manifest.getMainAttributes();
                for (String attribute : new String[] {"Premain-Class", "Launcher-Agent-Class", "Agent-Class"}) {
                    if (AGENT_CLASS.equals(trimmed(main.getValue(attribute)))) {
                        return null;
                    }
                }
            }
        } catch (IOException | SecurityException e) {
            return null;
        }
        return "stm4j: the agent's classes were loaded from " + file + ", which is not the stm4j agent jar:"
                + " that jar carries a copy of " + AGENT_CLASS + " (stm-agent shaded or packed into an"
                + " application jar, or stm-agent as an ordinary dependency) and comes before the -javaagent"
                + " jar on the class path, so its copy runs instead. Keep stm-agent out of the application's"
                + " class path and jars (Maven scope 'test' or 'provided'): it belongs on -javaagent only. To"
                + " ship the agent inside a flat application jar, give that jar's manifest"
                + " 'Launcher-Agent-Class: " + AGENT_CLASS + "' and start it with java -jar, without -javaagent.";
    }

    private static String trimmed(String s) {
        return s == null ? null : s.trim();
    }

    private static boolean visible(ClassLoader loader, String name) {
        try {
            Class.forName(name, false, loader);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    private static String describe(ClassLoader loader) {
        if (loader == null) {
            return "the boot class loader";
        }
        if (loader == ClassLoader.getSystemClassLoader()) {
            String cp = System.getProperty("java.class.path", "");
            return "the application class loader, class path " + (cp.isEmpty() ? "(empty)" : cp);
        }
        return String.valueOf(loader);
    }
}
