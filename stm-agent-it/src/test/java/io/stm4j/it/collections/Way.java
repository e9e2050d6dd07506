package io.stm4j.it.collections;

import io.stm4j.testkit.ThreadKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One way to run a collection property: a {@link Style} of transaction and a {@link ThreadKind}.
 * {@link #all()} is the parameter source: both styles on platform threads, and on virtual threads
 * too on JDK 21+.
 */
public final class Way {
    /** How the test's transactions are written. */
    public enum Style {
        /** Explicit {@code Stm.atomic(() -> ...)} lambdas. */
        LAMBDA,
        /** {@code @Atomic} methods of classes rewritten by the agent (with {@code @Shared} fields beside the collections). */
        ANNOTATED;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public final Style style;
    public final ThreadKind kind;

    private Way(Style style, ThreadKind kind) {
        this.style = style;
        this.kind = kind;
    }

    /** @return every style with every thread kind available on this JVM */
    public static List<Way> all() {
        List<Way> all = new ArrayList<>();
        for (ThreadKind k : ThreadKind.available()) {
            for (Style s : Style.values()) {
                all.add(new Way(s, k));
            }
        }
        return all;
    }

    @Override
    public String toString() {
        return "api=" + style + " kind=" + kind.name().toLowerCase(Locale.ROOT);
    }
}
