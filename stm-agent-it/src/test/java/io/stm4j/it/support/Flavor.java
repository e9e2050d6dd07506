package io.stm4j.it.support;

import io.stm4j.testkit.ThreadKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One way to run a property: an {@link Api} and a {@link ThreadKind}. {@link #all()} is the
 * parameter source of the property tests: both APIs on platform threads, and on virtual threads
 * too on JDK 21+.
 */
public final class Flavor {
    public final Api api;
    public final ThreadKind kind;

    private Flavor(Api api, ThreadKind kind) {
        this.api = api;
        this.kind = kind;
    }

    /** @return every API with every thread kind available on this JVM */
    public static List<Flavor> all() {
        List<Flavor> all = new ArrayList<>();
        for (ThreadKind k : ThreadKind.available()) {
            for (Api a : Api.values()) {
                all.add(new Flavor(a, k));
            }
        }
        return all;
    }

    @Override
    public String toString() {
        return "api=" + api + " kind=" + kind.name().toLowerCase(Locale.ROOT);
    }
}
