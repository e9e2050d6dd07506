package io.stm4j.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The engine's layering, checked on the compiled classes: statistics ({@link StatsRecorder},
 * {@link ThreadStats}, {@link StoreStatsMXBean}, {@link Log}) are a leaf that refers to no other
 * engine class (in particular neither {@code Txn} nor {@code Cell}), and the commit protocol and
 * the contention manager do not know the transaction's lifecycle collaborators.
 */
class LayeringTest {
    private static final Pattern ENGINE_CLASS = Pattern.compile("io/stm4j/internal/([A-Za-z0-9_]+)");

    /** @return the simple names of the engine classes that {@code c}'s class file refers to (nested ones by their outer class) */
    private static Set<String> engineReferences(Class<?> c) throws IOException {
        try (InputStream in = c.getResourceAsStream(c.getSimpleName() + ".class")) {
            assertThat(in).as("class file of %s", c.getName()).isNotNull();
            String text = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            Set<String> names = new TreeSet<>();
            Matcher m = ENGINE_CLASS.matcher(text);
            while (m.find()) {
                names.add(m.group(1));
            }
            names.remove(c.getSimpleName());
            return names;
        }
    }

    @Test
    void statisticsReferToNoOtherEngineClass() throws IOException {
        Set<String> leaf = Set.of("StatsRecorder", "ThreadStats", "StoreStatsMXBean", "Log");
        for (Class<?> c : new Class<?>[] {StatsRecorder.class, ThreadStats.class, StoreStatsMXBean.class, Log.class}) {
            assertThat(engineReferences(c)).as("engine classes %s refers to", c.getSimpleName()).isSubsetOf(leaf);
        }
    }

    @Test
    void theCommitProtocolAndTheContentionManagerDoNotKnowTheLifecycle() throws IOException {
        Set<String> lifecycle = Set.of("Hooks", "RetryPolicy", "AbortLog", "Transactions", "AtomicBridge", "Scopes");
        for (Class<?> c : new Class<?>[] {Commit.class, ContentionManager.class, Cell.class}) {
            assertThat(engineReferences(c)).as("engine classes %s refers to", c.getSimpleName())
                    .doesNotContainAnyElementsOf(lifecycle);
        }
    }
}
