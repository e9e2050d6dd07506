package io.stm4j.maven;

import io.stm4j.agent.Weaver;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

/** What the two weaving goals share: weave one output directory against a class path. */
abstract class AbstractWeaveMojo extends AbstractMojo {
    /** The project being built. */
    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    protected MavenProject project;

    /** Skips the weaving (the classes stay plain: run them with the agent then). */
    @Parameter(property = "stm4j.weave.skip", defaultValue = "false")
    private boolean skip;

    /** @return the directory of class files to weave */
    abstract Path classes();

    /** @return the class path the classes refer to */
    abstract List<String> classPath() throws MojoExecutionException;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("stm4j: weaving skipped (stm4j.weave.skip)");
            return;
        }
        Path classes = classes();
        List<Path> cp = new ArrayList<>();
        for (String e : classPath()) {
            Path p = Path.of(e);
            if (!p.equals(classes)) {
                cp.add(p);
            }
        }
        Weaver.Result r;
        try {
            r = Weaver.weave(classes, cp);
        } catch (IOException e) {
            throw new MojoExecutionException("stm4j: could not weave " + classes + ": " + e, e);
        } catch (IllegalStateException e) {
            throw new MojoFailureException(e.getMessage(), e);
        }
        getLog().info("stm4j: wove " + r.rewritten().size() + " of " + r.scanned() + " classes in "
                + project.getBasedir().toPath().relativize(classes)
                + (r.alreadyWoven().isEmpty() ? "" : " (" + r.alreadyWoven().size() + " woven before)"));
    }
}
