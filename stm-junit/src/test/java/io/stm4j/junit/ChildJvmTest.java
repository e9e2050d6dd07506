package io.stm4j.junit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The listener in JVMs of their own, under JVM options that this test run does not have. */
class ChildJvmTest {
    @TempDir
    Path dir;

    private record Run(int status, String out, String err) {
    }

    private Run run(List<String> jvmOptions, String... args) throws Exception {
        String classPath = consumersClassPath();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classPath);
        command.add(SessionMain.class.getName());
        command.addAll(List.of(args));
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the child JVM did not finish within 60 s: " + command);
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    /**
     * This test JVM's class path as a consumer of stm-junit has it. Inside this build Maven puts
     * stm-agent's own dependencies (Byte Buddy, unshaded) beside its jar; a consumer gets the
     * dependency-reduced pom, so only the agent jar with its shaded copy. When the agent is a jar
     * (mvn verify), Byte Buddy's jars are left out; from target/classes (mvn test) it needs them.
     */
    private static String consumersClassPath() {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> entries = List.of(classPath.split(File.pathSeparator));
        if (entries.stream().noneMatch(e -> {
            String name = Path.of(e).getFileName().toString();
            return name.startsWith("stm-agent") && name.endsWith(".jar");
        })) {
            return classPath;
        }
        return entries.stream().filter(e -> !e.contains("byte-buddy")).collect(Collectors.joining(File.pathSeparator));
    }

    @Test
    void aJvmThatRefusesAttachingFailsTheSessionWithOneMessageNamingTheFixes() throws Exception {
        Run r = run(List.of("-XX:+DisableAttachMechanism"));
        assertThat(r.status()).as("stdout: %s%nstderr: %s", r.out(), r.err()).isEqualTo(3);
        assertThat(r.out()).startsWith("session failed: stm4j: stm-junit could not attach the stm4j agent")
                .contains("-javaagent:<path to stm-agent jar>", "argLine", "weave the classes at build time",
                        "-XX:+DisableAttachMechanism");
        assertThat(r.out().lines()).hasSize(1);
    }

    @Test
    void aJvmWithoutAgentGetsItAttachedByTheSession() throws Exception {
        Run r = run(List.of("-XX:+IgnoreUnrecognizedVMOptions", "-XX:+EnableDynamicAgentLoading"));
        assertThat(r.status()).as("stderr: %s", r.err()).isZero();
        assertThat(r.out()).isEqualTo("session opened, agent started by StmAgent.install()" + System.lineSeparator());
        assertThat(r.err()).isEmpty();
    }

    @Test
    void onJdk21AndLaterTheJvmWarnsAboutTheDynamicAgentUnlessAllowed() throws Exception {
        Run r = run(List.of());
        assertThat(r.status()).as("stderr: %s", r.err()).isZero();
        assertThat(r.out()).isEqualTo("session opened, agent started by StmAgent.install()" + System.lineSeparator());
        if (Runtime.version().feature() >= 21) {
            assertThat(r.err()).contains("WARNING: A Java agent has been loaded dynamically",
                    "-XX:+EnableDynamicAgentLoading");
        } else {
            assertThat(r.err()).isEmpty();
        }
    }

    @Test
    void aSharedClassLoadedBeforeTheSessionIsReportedByName() throws Exception {
        Run r = run(List.of("-XX:+IgnoreUnrecognizedVMOptions", "-XX:+EnableDynamicAgentLoading"), "preload");
        assertThat(r.status()).as("stderr: %s", r.err()).isZero();
        assertThat(r.err()).contains("io.stm4j.junit.Preloaded was loaded before the agent", "NOT transactional");
    }
}
