package io.stm4j.maven;

import java.nio.file.Path;
import java.util.List;
import org.apache.maven.artifact.DependencyResolutionRequiredException;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.ResolutionScope;

/**
 * Weaves {@code target/classes} after compilation (phase {@code process-classes}): every
 * {@code @Shared} field and {@code @Atomic} method becomes transactional as the agent would make
 * it, so the application needs no {@code -javaagent}, only stm-runtime on its class path. A class
 * woven before is left alone, and an agent that is attached too leaves woven classes alone.
 */
@Mojo(name = "weave", defaultPhase = LifecyclePhase.PROCESS_CLASSES, threadSafe = true,
        requiresDependencyResolution = ResolutionScope.COMPILE)
public class WeaveMojo extends AbstractWeaveMojo {
    @Override
    Path classes() {
        return Path.of(project.getBuild().getOutputDirectory());
    }

    @Override
    List<String> classPath() throws MojoExecutionException {
        try {
            return project.getCompileClasspathElements();
        } catch (DependencyResolutionRequiredException e) {
            throw new MojoExecutionException("stm4j: the compile class path is not resolved", e);
        }
    }
}
