package io.stm4j.agent.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The agent's arguments: {@code -javaagent:stm-agent.jar=verbose,exclude=com.example.legacy.}.
 *
 * <ul>
 *   <li>{@code verbose} — log every class the agent rewrites;</li>
 *   <li>{@code exclude=<package or class prefix>} — never rewrite classes whose name starts with
 *   it (repeatable).</li>
 * </ul>
 * Anything else is an error that stops the agent, naming the argument.
 */
public final class AgentOptions {
    public final boolean verbose;
    /** Internal-name prefixes (with '/'). */
    public final List<String> excludes;

    private AgentOptions(boolean verbose, List<String> excludes) {
        this.verbose = verbose;
        this.excludes = Collections.unmodifiableList(excludes);
    }

    public static AgentOptions parse(String args) {
        boolean verbose = false;
        List<String> excludes = new ArrayList<>();
        if (args != null && !args.isBlank()) {
            for (String raw : args.split(",")) {
                String a = raw.trim();
                if (a.equals("verbose")) {
                    verbose = true;
                } else if (a.startsWith("exclude=")) {
                    String prefix = a.substring("exclude=".length()).trim();
                    if (prefix.isEmpty()) {
                        throw new IllegalArgumentException("stm4j agent argument 'exclude=' needs a package"
                                + " or class prefix, e.g. exclude=com.example.legacy.");
                    }
                    excludes.add(prefix.replace('.', '/'));
                } else {
                    throw new IllegalArgumentException("unknown stm4j agent argument '" + a
                            + "'; known arguments: verbose, exclude=<package or class prefix>");
                }
            }
        }
        return new AgentOptions(verbose, excludes);
    }
}
