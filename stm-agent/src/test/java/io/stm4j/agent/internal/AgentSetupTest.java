package io.stm4j.agent.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stm4j.Shared;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.cert.Certificate;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent's set-up checks and its checks of annotation elements, each with the message it gives. */
class AgentSetupTest {
    @TempDir
    Path dir;

    @Test
    void theRuntimeOnTheClassPathPasses() {
        AgentSetup.requireRuntime(getClass().getClassLoader());
        assertThat(AgentSetup.missingRuntime(getClass().getClassLoader())).isNull();
    }

    @Test
    void aClassPathWithoutRuntimeAndApiIsReportedWithWhatToDo() {
        ClassLoader bare = new ClassLoader(null) {
        };
        assertThatThrownBy(() -> AgentSetup.requireRuntime(bare))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("stm-runtime (io.stm4j.internal.AgentSupport)")
                .hasMessageContaining("stm-api (io.stm4j.Shared)")
                .hasMessageContaining("not found on the class path")
                .hasMessageContaining("BOOT-INF/lib")
                .hasMessageContaining("-cp");
    }

    @Test
    void aClassPathWithTheApiButNotTheRuntimeNamesOnlyTheRuntime() throws IOException {
        URL api = Shared.class.getProtectionDomain().getCodeSource().getLocation();
        try (URLClassLoader onlyApi = new URLClassLoader(new URL[] {api}, null)) {
            assertThat(AgentSetup.missingRuntime(onlyApi))
                    .contains("stm-runtime (io.stm4j.internal.AgentSupport) not found")
                    .doesNotContain("stm-api (");
        }
    }

    private Path jar(String name, String... attributes) throws IOException {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        for (int i = 0; i < attributes.length; i += 2) {
            m.getMainAttributes().putValue(attributes[i], attributes[i + 1]);
        }
        Path p = dir.resolve(name);
        try (OutputStream out = Files.newOutputStream(p); JarOutputStream jar = new JarOutputStream(out, m)) {
            jar.flush();
        }
        return p;
    }

    private static CodeSource at(Path p) throws IOException {
        return new CodeSource(p.toUri().toURL(), (Certificate[]) null);
    }

    @Test
    void agentClassesFromAnApplicationJarAreReportedByName() throws IOException {
        Path app = jar("app-all.jar", "Main-Class", "com.example.Main");
        assertThat(AgentSetup.foreignCopy(at(app)))
                .contains(app.toString())
                .contains("not the stm4j agent jar")
                .contains("scope 'test' or 'provided'")
                .contains("Launcher-Agent-Class: io.stm4j.agent.StmAgent");
    }

    @Test
    void agentJarsFlatJarsWithALauncherAgentAndDirectoriesAreNotReported() throws IOException {
        assertThat(AgentSetup.foreignCopy(at(jar("stm-agent.jar", "Premain-Class", "io.stm4j.agent.StmAgent"))))
                .isNull();
        assertThat(AgentSetup.foreignCopy(at(jar("flat.jar", "Main-Class", "com.example.Main",
                "Launcher-Agent-Class", "io.stm4j.agent.StmAgent")))).isNull();
        assertThat(AgentSetup.foreignCopy(at(dir))).isNull();
        assertThat(AgentSetup.foreignCopy(null)).isNull();
    }

    @Test
    void anExcludeWithoutAPrefixIsRejected() {
        assertThatThrownBy(() -> AgentOptions.parse("verbose,exclude="))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'exclude='").hasMessageContaining("needs a package or class prefix");
    }

    @Test
    void atomicElementsOutOfRangeAreMisusesNamingTheMethod() throws IOException {
        byte[] bytes;
        // read as a resource, not loaded: another test of this JVM may have attached the agent
        try (InputStream in = AgentSetupTest.class.getResourceAsStream("/io/stm4j/samples/BadLimits.class")) {
            bytes = in.readAllBytes();
        }
        assertThat(ClassInfo.parse(bytes).misuses()).containsExactly(
                "@Atomic(maxRetries = -5) on io.stm4j.samples.BadLimits.retries()V: maxRetries must be -1"
                        + " (unlimited) or >= 0",
                "@Atomic(timeoutMillis = -2) on io.stm4j.samples.BadLimits.timeout()V: timeoutMillis must be"
                        + " -1 (none) or >= 0");
    }
}
