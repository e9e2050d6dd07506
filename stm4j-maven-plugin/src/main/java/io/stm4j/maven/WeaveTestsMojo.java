package io.stm4j.maven;

import java.nio.file.Path;
import java.util.List;
import org.apache.maven.artifact.DependencyResolutionRequiredException;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.ResolutionScope;

/**
 * Weaves {@code target/test-classes} after test compilation (phase {@code process-test-classes}),
 * so that tests that declare {@code @Shared} fields or {@code @Atomic} methods of their own run
 * transactional without {@code -javaagent}.
 */
@Mojo(name = "weave-tests", defaultPhase = LifecyclePhase.PROCESS_TEST_CLASSES, threadSafe = true,
        requiresDependencyResolution = ResolutionScope.TEST)
public class WeaveTestsMojo extends AbstractWeaveMojo {
    @Override
    Path classes() {
        return Path.of(project.getBuild().getTestOutputDirectory());
    }

    @Override
    List<String> classPath() throws MojoExecutionException {
        try {
            return project.getTestClasspathElements();
        } catch (DependencyResolutionRequiredException e) {
            throw new MojoExecutionException("stm4j: the test class path is not resolved", e);
        }
    }
}
