package io.stm4j.agent;

import io.stm4j.agent.internal.AgentOptions;
import io.stm4j.agent.internal.StmTransformer;
import io.stm4j.internal.Names;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Build-time weaving: rewrites the class files of a directory in place, as the agent would rewrite
 * them when they load, so that the application runs transactional without {@code -javaagent}.
 * Woven classes need only stm-runtime (and stm-api) at run time, carry a mark that an agent that is
 * also attached respects (a class is never rewritten twice), and make {@code Stm.isAgentActive()}
 * true: weaving writes the resource {@code META-INF/stm4j/woven} beside them, listing them.
 *
 * <p>The {@code stm4j-maven-plugin} runs it on {@code target/classes} and
 * {@code target/test-classes}; from the command line:
 * <pre>java -cp stm-agent-&lt;version&gt;.jar io.stm4j.agent.Weaver &lt;classes directory&gt; [&lt;class path&gt;]</pre>
 * The class path (the project's dependencies, stm-runtime among them) is where the classes that
 * the directory's classes refer to are read from; nothing is loaded or run.
 *
 * <p>Weave every module whose classes declare {@code @Shared} fields: a class that reads another
 * module's {@code @Shared} field calls the accessor that the rewriting adds to the declaring class.
 */
public final class Weaver {

    private Weaver() {
    }

    /**
     * What one weaving did.
     *
     * @param scanned the class files read
     * @param rewritten the classes rewritten now (binary names)
     * @param alreadyWoven the classes found woven by an earlier run and left alone
     */
    public record Result(int scanned, List<String> rewritten, List<String> alreadyWoven) {
        /** Copies the lists. */
        public Result {
            rewritten = List.copyOf(rewritten);
            alreadyWoven = List.copyOf(alreadyWoven);
        }
    }

    /**
     * Weaves the class files under {@code classes} in place.
     *
     * @param classes a directory of class files (such as {@code target/classes}); missing: nothing to do
     * @param classPath the jars and directories its classes refer to (stm-runtime among them)
     * @return what was rewritten
     * @throws IOException if a class file cannot be read or written
     * @throws IllegalStateException if a class cannot be rewritten or misuses stm4j, naming the class
     *     and the misuse
     */
    public static Result weave(Path classes, List<Path> classPath) throws IOException {
        Objects.requireNonNull(classes, "classes");
        Objects.requireNonNull(classPath, "classPath");
        if (!Files.isDirectory(classes)) {
            return new Result(0, List.of(), List.of());
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(classes)) {
            files = walk.filter(f -> f.toString().endsWith(".class") && Files.isRegularFile(f))
                    .filter(f -> !f.getFileName().toString().equals("module-info.class"))
                    .sorted().toList();
        }
        List<URL> urls = new ArrayList<>();
        urls.add(url(classes));
        for (Path p : classPath) {
            urls.add(url(p));
        }
        StmTransformer transformer = new StmTransformer(AgentOptions.parse(null));
        List<String> rewritten = new ArrayList<>();
        List<String> already = new ArrayList<>();
        try (URLClassLoader loader = new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader())) {
            for (Path f : files) {
                String internal = classes.relativize(f).toString().replace(File.separatorChar, '/');
                internal = internal.substring(0, internal.length() - ".class".length());
                byte[] bytes = Files.readAllBytes(f);
                byte[] out = transformer.weave(loader, internal, bytes);
                String name = internal.replace('/', '.');
                if (out != null) {
                    Files.write(f, out);
                    if (StmTransformer.isMarkedRewritten(out)) {
                        rewritten.add(name);
                    }
                } else if (StmTransformer.isMarkedRewritten(bytes)) {
                    already.add(name);
                }
            }
        }
        List<String> woven = new ArrayList<>(already);
        woven.addAll(rewritten);
        Path marker = classes.resolve(Names.WOVEN_RESOURCE);
        if (woven.isEmpty()) {
            Files.deleteIfExists(marker);
        } else {
            Files.createDirectories(marker.getParent());
            Files.write(marker, woven.stream().sorted().toList(), StandardCharsets.UTF_8);
        }
        return new Result(files.size(), rewritten, already);
    }

    private static URL url(Path p) {
        try {
            return p.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Weaves a directory from the command line and prints what it rewrote.
     *
     * @param args the classes directory, then optionally the class path (entries joined by the
     *     platform's path separator)
     * @throws IOException if a class file cannot be read or written
     */
    public static void main(String[] args) throws IOException {
        if (args.length < 1 || args.length > 2) {
            System.err.println("stm4j: usage: java -cp stm-agent.jar io.stm4j.agent.Weaver <classes directory> [<class path>]");
            System.exit(2);
        }
        List<Path> cp = new ArrayList<>();
        if (args.length == 2 && !args[1].isEmpty()) {
            for (String e : args[1].split(File.pathSeparator)) {
                cp.add(Path.of(e));
            }
        }
        try {
            Result r = weave(Path.of(args[0]), cp);
            System.out.println("stm4j: wove " + r.rewritten().size() + " of " + r.scanned() + " classes in " + args[0]
                    + (r.alreadyWoven().isEmpty() ? "" : " (" + r.alreadyWoven().size() + " already woven)"));
        } catch (IllegalStateException e) {
            System.err.println(e.getMessage());
            System.exit(1);
        }
    }
}
