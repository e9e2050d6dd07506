package io.stm4j.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stm4j.Stm;
import io.stm4j.internal.AgentSupport;
import io.stm4j.samples.Preloaded;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** StmAgent.install() in a JVM started without the agent, as tests and tools use it. */
class InstallTest {
    /**
     * Defines {@code name} afresh in a loader of its own: test discovery may already have loaded
     * the class in the test's loader, before the agent.
     */
    private static Class<?> loadedNow(String name) throws Exception {
        byte[] bytes;
        try (java.io.InputStream in = InstallTest.class.getResourceAsStream("/" + name.replace('.', '/') + ".class")) {
            bytes = in.readAllBytes();
        }
        ClassLoader isolated = new ClassLoader(InstallTest.class.getClassLoader()) {
            @Override
            protected Class<?> loadClass(String n, boolean resolve) throws ClassNotFoundException {
                if (!n.equals(name)) {
                    return super.loadClass(n, resolve);
                }
                synchronized (getClassLoadingLock(n)) {
                    Class<?> c = findLoadedClass(n);
                    return c != null ? c : defineClass(n, bytes, 0, bytes.length);
                }
            }
        };
        return isolated.loadClass(name);
    }

    @Test
    void installRewritesLaterClassesReportsEarlierOnesAndRefusesASecondAgent() throws Exception {
        List<String> logged = new CopyOnWriteArrayList<>();
        Logger jul = Logger.getLogger("io.stm4j.agent");
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                logged.add(r.getLevel() + " " + r.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        jul.addHandler(capture);
        jul.setUseParentHandlers(false); // captured here, not printed in the build's output
        try {
            Preloaded early = new Preloaded(); // loaded before the agent
            early.n = 1;

            StmAgent.install();
            assertThat(AgentSupport.isActive()).isTrue();
            assertThat(AgentSupport.activatedBy()).isEqualTo("StmAgent.install()");
            assertThat(logged).anyMatch(m -> m.startsWith("WARNING") && m.contains("io.stm4j.samples.Preloaded")
                    && m.contains("NOT transactional"));

            StmAgent.install(); // a second call is a no-op

            Class<?> later = loadedNow("io.stm4j.samples.LoadedAfter");
            assertThat(later.getDeclaredField("stm$cell$n")).isNotNull();
            Object o = later.getConstructor().newInstance();
            java.lang.reflect.Method bump = later.getMethod("bump");
            assertThat(Stm.atomic(() -> {
                try {
                    return bump.invoke(o);
                } catch (ReflectiveOperationException e) {
                    throw new AssertionError(e);
                }
            })).isEqualTo(1L);

            assertThat(Preloaded.class.getDeclaredFields()).extracting(java.lang.reflect.Field::getName)
                    .containsExactly("n"); // plain, as reported

            assertThatThrownBy(() -> StmAgent.agentmain(null,
                    net.bytebuddy.agent.ByteBuddyAgent.getInstrumentation()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already active");
        } finally {
            jul.removeHandler(capture);
            jul.setUseParentHandlers(true);
        }
    }
}
