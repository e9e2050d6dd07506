package io.stm4j.agent.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.FieldVisitor;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import io.stm4j.internal.Names;
import io.stm4j.samples.AtomicToucher;
import io.stm4j.samples.Sample;
import io.stm4j.samples.Toucher;
import io.stm4j.samples.Untouched;
import org.junit.jupiter.api.Test;

/** The transformer on class bytes: what it rewrites, what it leaves alone, what it keeps. */
class StmTransformerTest {
    private final StmTransformer transformer = new StmTransformer(AgentOptions.parse(null));
    private final ClassLoader loader = getClass().getClassLoader();

    private static byte[] bytesOf(Class<?> c) throws IOException {
        try (InputStream in = c.getResourceAsStream(c.getSimpleName() + ".class")) {
            return in.readAllBytes();
        }
    }

    private byte[] transform(Class<?> c) throws IOException {
        return transformer.transform(loader, c.getName().replace('.', '/'), null, null, bytesOf(c));
    }

    /** Everything of one method that the rewrite must keep or change. */
    private static final class MethodShape {
        final List<String> locals = new ArrayList<>();
        final List<Integer> lines = new ArrayList<>();
        final List<String> calls = new ArrayList<>();
        final List<String> fieldInsns = new ArrayList<>();
    }

    private static MethodShape shapeOf(byte[] bytes, String method) {
        MethodShape shape = new MethodShape();
        new ClassReader(bytes).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String desc, String sig, String[] ex) {
                if (!name.equals(method)) {
                    return null;
                }
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitLocalVariable(String n, String d, String s, Label a, Label b, int index) {
                        shape.locals.add(n);
                    }

                    @Override
                    public void visitLineNumber(int line, Label start) {
                        shape.lines.add(line);
                    }

                    @Override
                    public void visitMethodInsn(int op, String owner, String n, String d, boolean itf) {
                        shape.calls.add(owner.substring(owner.lastIndexOf('/') + 1) + "." + n);
                    }

                    @Override
                    public void visitFieldInsn(int op, String owner, String n, String d) {
                        shape.fieldInsns.add(n);
                    }
                };
            }
        }, 0);
        return shape;
    }

    private static List<String> fieldsOf(byte[] bytes) {
        List<String> fields = new ArrayList<>();
        new ClassReader(bytes).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public FieldVisitor visitField(int access, String name, String desc, String sig, Object value) {
                fields.add(name);
                return null;
            }
        }, 0);
        return fields;
    }

    @Test
    void aClassThatTouchesNothingIsLeftAlone() throws IOException {
        assertThat(transform(Untouched.class)).isNull();
    }

    @Test
    void theDeclaringClassGetsCellsAccessorsAndAnAtomicBodyWithItsDebugInformation() throws IOException {
        byte[] original = bytesOf(Sample.class);
        byte[] rewritten = transform(Sample.class);
        assertThat(rewritten).isNotNull();
        assertThat(fieldsOf(rewritten)).contains("count", "stm$cell$count", "stm$meta$count");
        MethodShape before = shapeOf(original, "addAndGet");
        MethodShape after = shapeOf(rewritten, "addAndGet");
        assertThat(after.locals).containsAll(before.locals).contains("this", "delta", "before", "after");
        assertThat(after.lines).containsAll(before.lines);
        // the body's accesses are handed the transaction the advice entered: no lookup per access
        assertThat(after.calls).containsExactly("AtomicBridge.enter", "Sample.stm$tget$count",
                "Sample.stm$tset$count", "AtomicBridge.exit");
        assertThat(after.fieldInsns).doesNotContain("count");
        assertThat(shapeOf(rewritten, "stm$get$count").calls).containsExactly("FieldBridge.readLong");
        assertThat(shapeOf(rewritten, "stm$tget$count").calls).containsExactly("FieldBridge.readLong");
        assertThat(shapeOf(rewritten, "stm$set$count").calls).containsExactly("FieldBridge.writeLong");
        assertThat(shapeOf(rewritten, "stm$tset$count").calls).containsExactly("FieldBridge.writeLong");
    }

    @Test
    void anotherClassTouchingTheFieldIsRewrittenToo() throws IOException {
        transform(Sample.class); // the agent has seen the declaring class
        byte[] rewritten = transform(Toucher.class);
        assertThat(rewritten).isNotNull();
        MethodShape peek = shapeOf(rewritten, "peek");
        assertThat(peek.calls).containsExactly("Sample.stm$get$count");
        assertThat(peek.locals).contains("s", "seen");
        assertThat(peek.lines).isEqualTo(shapeOf(bytesOf(Toucher.class), "peek").lines);
    }

    /** A loader that serves {@code bytes} as the class file {@code resource}, as a woven jar would. */
    private ClassLoader serving(String resource, byte[] bytes) {
        return new ClassLoader(loader) {
            @Override
            public InputStream getResourceAsStream(String name) {
                return name.equals(resource) ? new ByteArrayInputStream(bytes) : super.getResourceAsStream(name);
            }
        };
    }

    /** {@code woven} without the accessors that take the transaction: as a stm4j from before them wove it. */
    private static byte[] wovenBeforeHandedAccessors(byte[] woven) {
        ClassReader reader = new ClassReader(woven);
        ClassWriter writer = new ClassWriter(reader, 0);
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String desc, String sig, String[] ex) {
                boolean handed = name.startsWith(Names.TXN_GETTER_PREFIX) || name.startsWith(Names.TXN_SETTER_PREFIX);
                return handed ? null : super.visitMethod(access, name, desc, sig, ex);
            }
        }, 0);
        return writer.toByteArray();
    }

    @Test
    void anAtomicBodyUsesTheLookupAccessorsOfAClassWovenBeforeTheHandedOnes() throws IOException {
        byte[] woven = transform(Sample.class);
        String resource = "io/stm4j/samples/Sample.class";
        String toucher = "io/stm4j/samples/AtomicToucher";
        byte[] current = new StmTransformer(AgentOptions.parse(null))
                .transform(serving(resource, woven), toucher, null, null, bytesOf(AtomicToucher.class));
        assertThat(shapeOf(current, "peek").calls)
                .containsExactly("AtomicBridge.enter", "Sample.stm$tget$count", "AtomicBridge.exit");
        byte[] older = new StmTransformer(AgentOptions.parse(null)).transform(
                serving(resource, wovenBeforeHandedAccessors(woven)), toucher, null, null, bytesOf(AtomicToucher.class));
        assertThat(shapeOf(older, "peek").calls)
                .containsExactly("AtomicBridge.enter", "Sample.stm$get$count", "AtomicBridge.exit");
    }

    @Test
    void unknownAgentArgumentsAreRejectedByName() {
        assertThatThrownBy(() -> AgentOptions.parse("verbose,fast=yes"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'fast=yes'").hasMessageContaining("verbose");
        AgentOptions o = AgentOptions.parse("verbose, exclude=com.example.legacy.");
        assertThat(o.verbose).isTrue();
        assertThat(o.excludes).containsExactly("com/example/legacy/");
    }

    @Test
    void excludedClassesAreLeftAlone() throws IOException {
        StmTransformer excluding = new StmTransformer(AgentOptions.parse("exclude=io.stm4j.samples.Sam"));
        assertThat(excluding.transform(loader, "io/stm4j/samples/Sample", null, null, bytesOf(Sample.class)))
                .isNull();
    }
}
