package io.stm4j.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stm4j.Shared;
import io.stm4j.agent.internal.AgentOptions;
import io.stm4j.agent.internal.StmTransformer;
import io.stm4j.internal.Names;
import io.stm4j.samples.BadLimits;
import io.stm4j.samples.Untouched;
import io.stm4j.samples.WovenBank;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Build-time weaving of a directory of class files, and the woven classes run in a class loader
 * world of their own (a fresh stm-runtime and stm-api, in which no agent ever started).
 */
class WeaverTest {
    @TempDir
    Path dir;

    private static Path locationOf(Class<?> c) throws Exception {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private static final String BANK = WovenBank.class.getName();

    /** Copies the class files of {@code classes} into {@code to}, in their packages. */
    private static void copy(Path to, Class<?>... classes) throws Exception {
        for (Class<?> c : classes) {
            String resource = c.getName().replace('.', '/') + ".class";
            Path target = to.resolve(resource);
            Files.createDirectories(target.getParent());
            try (var in = c.getClassLoader().getResourceAsStream(resource)) {
                Files.write(target, in.readAllBytes());
            }
        }
    }

    private static List<Path> runtimeClassPath() throws Exception {
        return List.of(locationOf(Names.class), locationOf(Shared.class));
    }

    private URLClassLoader world(Path classes) throws Exception {
        List<URL> urls = new ArrayList<>();
        urls.add(classes.toUri().toURL());
        for (Path p : runtimeClassPath()) {
            urls.add(p.toUri().toURL());
        }
        return new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader());
    }

    private static Object call(Object target, String method, Object... args) throws Throwable {
        for (Method m : target.getClass().getMethods()) {
            if (m.getName().equals(method) && m.getParameterCount() == args.length) {
                try {
                    return m.invoke(target, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            }
        }
        throw new AssertionError("no method " + method);
    }

    @Test
    void wovenClassesRollBackStayIsolatedAndSayTheyAreTransactional() throws Throwable {
        copy(dir, WovenBank.class, Untouched.class);
        Weaver.Result result = Weaver.weave(dir, runtimeClassPath());
        assertThat(result.scanned()).isEqualTo(2);
        assertThat(result.rewritten()).containsExactly(BANK);
        assertThat(Files.readAllLines(dir.resolve(Names.WOVEN_RESOURCE))).containsExactly(BANK);

        try (URLClassLoader world = world(dir)) {
            Class<?> stm = world.loadClass("io.stm4j.Stm");
            assertThat(stm.getMethod("isAgentActive").invoke(null)).as("woven classes on the class path").isEqualTo(true);
            assertThat(world.loadClass("io.stm4j.internal.AgentSupport").getMethod("isActive").invoke(null))
                    .as("no agent in this world").isEqualTo(false);
            Object bank = world.loadClass(BANK).getConstructor().newInstance();

            assertThatThrownBy(() -> call(bank, "transfer", 300L, true)).hasMessage("refused");
            assertThat(call(bank, "a")).as("the failed transfer rolled back").isEqualTo(1_000L);

            List<Thread> threads = new ArrayList<>();
            List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
            long[] badTotals = new long[1];
            for (int t = 0; t < 4; t++) {
                boolean reader = t == 3;
                Thread th = new Thread(() -> {
                    try {
                        for (int i = 0; i < 20_000; i++) {
                            if (reader) {
                                if ((long) call(bank, "total") != 2_000L) {
                                    synchronized (badTotals) {
                                        badTotals[0]++;
                                    }
                                }
                            } else {
                                call(bank, "transfer", 1L, false);
                            }
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                });
                threads.add(th);
                th.start();
            }
            for (Thread th : threads) {
                th.join(TimeUnit.SECONDS.toMillis(60));
                assertThat(th.isAlive()).as("thread finished in 60 s").isFalse();
            }
            assertThat(failures).isEmpty();
            assertThat(badTotals[0]).as("totals a reader saw that were not 2,000").isZero();
            assertThat(call(bank, "a")).as("no transfer lost").isEqualTo(1_000L - 3 * 20_000L);
            assertThat(call(bank, "total")).isEqualTo(2_000L);
        }
    }

    @Test
    void aWovenClassIsNeverRewrittenTwice() throws Exception {
        copy(dir, WovenBank.class);
        Weaver.weave(dir, runtimeClassPath());
        Path file = dir.resolve(BANK.replace('.', '/') + ".class");
        byte[] woven = Files.readAllBytes(file);

        Weaver.Result again = Weaver.weave(dir, runtimeClassPath());
        assertThat(again.rewritten()).isEmpty();
        assertThat(again.alreadyWoven()).containsExactly(BANK);
        assertThat(Files.readAllBytes(file)).as("the second weaving left the file alone").isEqualTo(woven);
        assertThat(Files.readAllLines(dir.resolve(Names.WOVEN_RESOURCE))).containsExactly(BANK);

        // an agent attached to a JVM that loads the woven class leaves it alone too
        try (URLClassLoader world = world(dir)) {
            StmTransformer agent = new StmTransformer(AgentOptions.parse(null));
            assertThat(agent.transform(world, BANK.replace('.', '/'), null, null, woven)).isNull();
        }
    }

    @Test
    void aMisuseFailsTheWeavingNamingIt() throws Exception {
        copy(dir, BadLimits.class);
        assertThatThrownBy(() -> Weaver.weave(dir, runtimeClassPath()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("stm4j: ")
                .hasMessageContaining(BadLimits.class.getName());
    }

    @Test
    void aDirectoryWithNothingOfStm4jGetsNoMarker() throws Exception {
        copy(dir, Untouched.class);
        Weaver.Result result = Weaver.weave(dir, runtimeClassPath());
        assertThat(result.rewritten()).isEmpty();
        assertThat(dir.resolve(Names.WOVEN_RESOURCE)).doesNotExist();
        assertThat(Weaver.weave(dir.resolve("missing"), List.of()).scanned()).isZero();
    }
}
