package io.stm4j.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the agent costs classes that have nothing to do with stm4j: define and initialise
 * {@value #CLASSES} generated, unannotated classes (each with fields, field accesses to itself and
 * to another generated class, and methods) in a fresh class loader, with the agent installed in
 * the fork ({@code mode=agent}, via {@code StmAgent.install()}) and without ({@code mode=none}).
 * Run this benchmark in JVMs started <em>without</em> {@code -javaagent}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@State(Scope.Benchmark)
public class ClassLoadBench {
    static final int CLASSES = 2000;

    @Param({"none", "agent"})
    public String mode;

    private List<byte[]> classes;
    private int generation;

    @Setup
    public void setUp() {
        if ("agent".equals(mode)) {
            io.stm4j.agent.StmAgent.install();
        }
        classes = new ArrayList<>(CLASSES);
        for (int i = 0; i < CLASSES; i++) {
            classes.add(generate(i));
        }
    }

    private static String name(int i) {
        return "io/stm4j/bench/gen/Plain" + i;
    }

    /** A class with two fields, a getter-like method on its own fields and one on its neighbour's. */
    private static byte[] generate(int i) {
        String self = name(i);
        String other = name((i + 1) % CLASSES);
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC, self, null, "java/lang/Object", null);
        cw.visitField(Opcodes.ACC_PUBLIC, "count", "J", null, null).visitEnd();
        cw.visitField(Opcodes.ACC_PUBLIC, "name", "Ljava/lang/String;", null, null).visitEnd();
        MethodVisitor init = cw.visitMethod(Opcodes.ACC_PUBLIC, "<init>", "()V", null, null);
        init.visitCode();
        init.visitVarInsn(Opcodes.ALOAD, 0);
        init.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
        init.visitInsn(Opcodes.RETURN);
        init.visitMaxs(0, 0);
        init.visitEnd();
        MethodVisitor own = cw.visitMethod(Opcodes.ACC_PUBLIC, "next", "()J", null, null);
        own.visitCode();
        own.visitVarInsn(Opcodes.ALOAD, 0);
        own.visitFieldInsn(Opcodes.GETFIELD, self, "count", "J");
        own.visitInsn(Opcodes.LCONST_1);
        own.visitInsn(Opcodes.LADD);
        own.visitInsn(Opcodes.LRETURN);
        own.visitMaxs(0, 0);
        own.visitEnd();
        MethodVisitor peer = cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "peek", "(L" + other + ";)J", null, null);
        peer.visitCode();
        peer.visitVarInsn(Opcodes.ALOAD, 0);
        peer.visitFieldInsn(Opcodes.GETFIELD, other, "count", "J");
        peer.visitInsn(Opcodes.LRETURN);
        peer.visitMaxs(0, 0);
        peer.visitEnd();
        cw.visitEnd();
        return cw.toByteArray();
    }

    /** A loader that defines the generated classes. */
    static final class Loader extends ClassLoader {
        Loader(ClassLoader parent) {
            super("stm4j-bench-" + System.nanoTime(), parent);
        }

        Class<?> define(byte[] b) {
            return defineClass(null, b, 0, b.length);
        }
    }

    @Benchmark
    public int defineAndInitialise() throws ReflectiveOperationException {
        Loader loader = new Loader(getClass().getClassLoader());
        int n = 0;
        for (byte[] b : classes) {
            Class<?> c = loader.define(b);
            n += c.getDeclaredConstructor().newInstance().hashCode() & 1;
        }
        generation++;
        return n + generation;
    }
}
