package io.stm4j.it.setup;

import static org.assertj.core.api.Assertions.assertThat;

import io.stm4j.Shared;
import io.stm4j.spi.StmProvider;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent set up wrong, each in a JVM of its own started as a user would start it: the JVM stops
 * with a message that names the problem and says what to do, or, where the setup still works, the
 * agent warns and the probe's line shows that the agent rewrote it. Last, the supported way of
 * packing the agent into the application jar, which works without a warning.
 */
class AgentMisconfigurationTest {
    private static final String PROBE = SetupProbe.class.getName();
    private static final long TIMEOUT_SECONDS = 120;

    @TempDir
    Path dir;

    /** The agent jar this test JVM was started with (failsafe's -javaagent). */
    private static Path agentJar() {
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("-javaagent:") && arg.contains("stm-agent")) {
                String path = arg.substring("-javaagent:".length());
                int eq = path.indexOf('=');
                return Path.of(eq < 0 ? path : path.substring(0, eq));
            }
        }
        throw new IllegalStateException("this test runs under -javaagent:stm-agent-<version>.jar");
    }

    private static Path locationOf(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The jar (or directory) of stm-runtime: where the engine behind the public API comes from. */
    private static final Path RUNTIME = locationOf(StmProvider.current().getClass());
    private static final Path API = locationOf(Shared.class);
    private static final Path TEST_CLASSES = locationOf(SetupProbe.class);

    private static String classPath(Path... entries) {
        List<String> s = new ArrayList<>();
        for (Path p : entries) {
            s.add(p.toString());
        }
        return String.join(File.pathSeparator, s);
    }

    /** What a finished JVM printed (stdout and stderr together) and its exit status. */
    private static final class Run {
        final int exit;
        final String output;

        Run(int exit, String output) {
            this.exit = exit;
            this.output = output;
        }

        @Override
        public String toString() {
            return "exit " + exit + ":\n" + output;
        }
    }

    private Run java(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xshare:auto");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-XX:-CreateCoredumpOnCrash"); // a refused agent aborts the JVM: no core file for that
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "jvm", ".out");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile());
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.environment().remove("JDK_JAVA_OPTIONS");
        Process p = pb.start();
        try {
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new AssertionError("JVM did not finish in " + TIMEOUT_SECONDS + " s: " + cmd);
            }
        } finally {
            p.destroyForcibly();
            p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
        return new Run(p.exitValue(), Files.readString(out, Charset.defaultCharset()));
    }

    // ------------------------------------------------------------------ building jars

    private static Manifest manifest(String... attributes) {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        for (int i = 0; i < attributes.length; i += 2) {
            m.getMainAttributes().putValue(attributes[i], attributes[i + 1]);
        }
        return m;
    }

    /** A jar of everything in {@code sources} (jars or class directories) under {@code prefix}. */
    private static void copyInto(JarOutputStream jar, Set<String> seen, Path source, String prefix,
                                 String onlyUnder) throws IOException {
        if (Files.isDirectory(source)) {
            List<Path> files;
            try (Stream<Path> walk = Files.walk(source)) {
                files = walk.filter(Files::isRegularFile).sorted().toList();
            }
            for (Path f : files) {
                String name = source.relativize(f).toString().replace(File.separatorChar, '/');
                if (onlyUnder == null || name.startsWith(onlyUnder)) {
                    put(jar, seen, prefix + name, Files.readAllBytes(f), false);
                }
            }
            return;
        }
        try (JarFile in = new JarFile(source.toFile())) {
            for (JarEntry e : java.util.Collections.list(in.entries())) {
                String name = e.getName();
                if (e.isDirectory() || name.equals(JarFile.MANIFEST_NAME) || name.endsWith("module-info.class")
                        || name.startsWith("META-INF/") && (name.endsWith(".SF") || name.endsWith(".RSA"))) {
                    continue;
                }
                try (InputStream data = in.getInputStream(e)) {
                    put(jar, seen, prefix + name, data.readAllBytes(), false);
                }
            }
        }
    }

    private static void put(JarOutputStream jar, Set<String> seen, String name, byte[] bytes, boolean stored)
            throws IOException {
        if (!seen.add(name)) {
            return;
        }
        ZipEntry e = new ZipEntry(name);
        if (stored) { // nested jars are stored uncompressed, as Spring Boot requires
            CRC32 crc = new CRC32();
            crc.update(bytes);
            e.setMethod(ZipEntry.STORED);
            e.setSize(bytes.length);
            e.setCrc(crc.getValue());
        }
        jar.putNextEntry(e);
        jar.write(bytes);
        jar.closeEntry();
    }

    private Path flatJar(String name, Manifest manifest, Path... sources) throws IOException {
        Path p = dir.resolve(name);
        Set<String> seen = new HashSet<>();
        try (OutputStream out = Files.newOutputStream(p); JarOutputStream jar = new JarOutputStream(out, manifest)) {
            jar.setLevel(java.util.zip.Deflater.NO_COMPRESSION); // a throw-away jar: fast to write
            for (Path s : sources) {
                copyInto(jar, seen, s, "", s.equals(TEST_CLASSES) ? "io/stm4j/it/setup/" : null);
            }
        }
        return p;
    }

    /** A jar of {@code source} (a jar or a class directory), as a nested library must be. */
    private Path asJar(Path source, String name) throws IOException {
        return Files.isDirectory(source) ? flatJar(name, manifest(), source) : source;
    }

    /**
     * A refused -javaagent start: exit status 1 and one line, {@code stm4j: ...}, on standard error;
     * no stack trace, no JVM abort (status 134), and the application never ran.
     */
    private static void assertOneLineAndStatusOne(Run run) {
        assertThat(run.exit).as("%s", run).isEqualTo(1);
        assertThat(run.output.strip().lines()).as("%s", run).hasSize(1);
        assertThat(run.output).as("%s", run).startsWith("stm4j: ").doesNotContain("\tat ")
                .doesNotContain("stm4j agent: ");
    }

    // ------------------------------------------------------------------ the cases

    @Test
    void anUnknownArgumentStopsTheJvmNamingIt() throws Exception {
        Run run = java("-javaagent:" + agentJar() + "=verbos", "-cp", classPath(TEST_CLASSES, RUNTIME, API), PROBE);
        assertOneLineAndStatusOne(run);
        assertThat(run.output).startsWith("stm4j: unknown stm4j agent argument 'verbos'; known arguments: verbose,");
    }

    @Test
    void theAgentAttachedTwiceStopsTheJvmNamingBothStarts() throws Exception {
        Run run = java("-javaagent:" + agentJar(), "-javaagent:" + agentJar() + "=verbose",
                "-cp", classPath(TEST_CLASSES, RUNTIME, API), PROBE);
        assertOneLineAndStatusOne(run);
        assertThat(run.output).startsWith("stm4j: the stm4j agent is already active (started by -javaagent);"
                + " this second start (-javaagent) is refused").contains("JAVA_TOOL_OPTIONS");
    }

    @Test
    void aMissingRuntimeStopsTheJvmSayingWhatToPutOnTheClassPath() throws Exception {
        Run run = java("-javaagent:" + agentJar(), "-cp", classPath(TEST_CLASSES), PROBE);
        assertOneLineAndStatusOne(run);
        assertThat(run.output)
                .startsWith("stm4j: the stm4j agent cannot start: stm-runtime (io.stm4j.internal.AgentSupport) and"
                        + " stm-api (io.stm4j.Shared) not found on the class path the agent sees")
                .contains("put stm-runtime-<version>.jar and stm-api-<version>.jar on the JVM's class path")
                .doesNotContain("NoClassDefFoundError");
    }

    /**
     * A Spring-Boot-style executable jar: the application under BOOT-INF/classes, stm-runtime and
     * stm-api nested under BOOT-INF/lib, where only the Boot launcher's own class loader finds
     * them. The agent, given with -javaagent, cannot see them: it says so, naming the layout.
     */
    @Test
    void aRuntimeNestedInsideTheApplicationJarIsReportedAsMissing() throws Exception {
        Path boot = dir.resolve("boot-app.jar");
        Set<String> seen = new HashSet<>();
        try (OutputStream out = Files.newOutputStream(boot);
             JarOutputStream jar = new JarOutputStream(out, manifest("Main-Class",
                     "org.springframework.boot.loader.launch.JarLauncher", "Start-Class", PROBE))) {
            copyInto(jar, seen, TEST_CLASSES, "BOOT-INF/classes/", "io/stm4j/it/setup/");
            put(jar, seen, "BOOT-INF/lib/stm-runtime.jar", Files.readAllBytes(asJar(RUNTIME, "rt.jar")), true);
            put(jar, seen, "BOOT-INF/lib/stm-api.jar", Files.readAllBytes(asJar(API, "api.jar")), true);
        }
        Run run = java("-javaagent:" + agentJar(), "-jar", boot.toString());
        assertOneLineAndStatusOne(run);
        assertThat(run.output).contains("stm-runtime (io.stm4j.internal.AgentSupport)")
                .contains("not found on the class path the agent sees")
                .contains("Spring Boot's BOOT-INF/lib")
                .contains("boot-app.jar");
    }

    /**
     * The agent's classes shaded into the application jar, which comes first on the class path: its
     * copy runs instead of the -javaagent jar's. It works, and the agent warns, naming the jar.
     */
    @Test
    void agentClassesShadedIntoTheApplicationJarAreReportedByName() throws Exception {
        Path app = flatJar("app-with-agent.jar", manifest("Main-Class", PROBE), TEST_CLASSES, agentJar());
        Run run = java("-javaagent:" + agentJar(), "-cp", classPath(app, RUNTIME, API), PROBE);
        assertThat(run.exit).as("%s", run).isZero();
        assertThat(run.output).contains("WARNING: stm4j: the agent's classes were loaded from " + app
                        + ", which is not the stm4j agent jar")
                .contains("Keep stm-agent out of the application's class path")
                .contains("stm4j agent: active, rewritten: true, n=2");
    }

    /**
     * The supported way to pack the agent into the application: a flat jar (application, agent,
     * stm-runtime, stm-api) whose manifest names the agent as its Launcher-Agent-Class, started
     * with java -jar and no -javaagent.
     */
    @Test
    void aFlatJarWithTheAgentAsLauncherAgentClassWorks() throws Exception {
        Path fat = flatJar("app-all.jar", manifest("Main-Class", PROBE,
                "Launcher-Agent-Class", "io.stm4j.agent.StmAgent"), TEST_CLASSES, agentJar(), RUNTIME, API);
        Run run = java("-jar", fat.toString());
        assertThat(run.exit).as("%s", run).isZero();
        assertThat(run.output)
                .contains("stm4j agent: active, rewritten: true, n=2")
                .doesNotContain("WARNING");
    }

    /**
     * The README's run command exactly (agent, application, stm-runtime and stm-api: no logging
     * library): a transaction that aborts past {@code stm4j.warnAfterRetries} logs its warning
     * through {@code System.Logger} (here to java.util.logging's console) and goes on to commit.
     */
    @Test
    void theLongRetryWarningNeedsNoLoggingLibrary() throws Exception {
        Run run = java("-Dstm4j.warnAfterRetries=2", "-javaagent:" + agentJar(),
                "-cp", classPath(TEST_CLASSES, RUNTIME, API), RetryWarningProbe.class.getName());
        assertThat(run.exit).as("%s", run).isZero();
        assertThat(run.output).as("%s", run)
                .contains("WARNING: stm4j: the transaction in " + RetryWarningProbe.class.getName()
                        + ".incrementLosingThreeTimes has aborted 2 times in a row")
                .contains("retry probe: done, n=4, attempts=4")
                .doesNotContain("NoClassDefFoundError").doesNotContain("Exception");
    }
}
