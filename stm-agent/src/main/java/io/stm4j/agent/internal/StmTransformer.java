package io.stm4j.agent.internal;

import io.stm4j.internal.Names;
import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.field.FieldDescription;
import net.bytebuddy.description.field.FieldList;
import net.bytebuddy.description.method.MethodList;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.matcher.ElementMatchers;
import net.bytebuddy.pool.TypePool;

/**
 * The agent's class file transformer. For each class being loaded it first decides, from the
 * constant pool alone, whether the class declares or touches anything of stm4j's; only those
 * classes are rewritten (fields by {@link FieldRewriter}, {@code @Atomic} methods by
 * {@link AtomicAdvice}). A class that cannot be rewritten is made to fail its static
 * initialisation with the reason, rather than load silently non-transactional.
 */
public final class StmTransformer implements ClassFileTransformer {
    private static final System.Logger LOG = System.getLogger("io.stm4j.agent");

    private final SharedIndex index = new SharedIndex();
    private final AgentOptions options;
    private final ByteBuddy byteBuddy = new ByteBuddy()
            .with(TypeValidation.DISABLED)
            .with(Implementation.Context.Disabled.Factory.INSTANCE);

    public StmTransformer(AgentOptions options) {
        this.options = options;
    }

    /** Records a class that was loaded before the agent, so accesses to its fields stay plain. */
    public void markPreloaded(String binaryName) {
        index.markPreloaded(binaryName.replace('.', '/'));
    }

    @Override
    public byte[] transform(ClassLoader loader, String className, Class<?> classBeingRedefined,
                            ProtectionDomain protectionDomain, byte[] bytes) {
        if (className == null || classBeingRedefined != null || ignored(className)) {
            return null;
        }
        try {
            return process(loader, className, bytes, m -> LOG.log(System.Logger.Level.ERROR, "stm4j: " + m));
        } catch (ScanFailed e) {
            LOG.log(System.Logger.Level.WARNING, "stm4j: could not scan " + className.replace('/', '.')
                    + "; left as it is", e.getCause());
            return null;
        } catch (RewriteFailed e) {
            String message = "stm4j agent could not rewrite " + className.replace('/', '.') + ": " + e.getCause()
                    + " (its @Shared fields and @Atomic methods would not be transactional, so it is not loaded;"
                    + " if it needs nothing of stm4j, leave it out with the agent argument exclude=<its package"
                    + " or class prefix>, otherwise report this message)";
            LOG.log(System.Logger.Level.ERROR, message, e.getCause());
            return poisoned(bytes, message);
        }
    }

    /**
     * Rewrites one class file at build time, as {@link #transform} would when the class loads.
     *
     * @param loader finds the class files of the classes this one refers to (its own directory and
     *     its dependencies)
     * @param className the class's internal name
     * @param bytes its class file
     * @return the rewritten class file, or null when the class needs no rewriting (or is already woven)
     * @throws IllegalStateException if the class cannot be read or rewritten, or misuses stm4j (each
     *     misuse named), so that the build fails instead of producing a class that fails at run time
     */
    public byte[] weave(ClassLoader loader, String className, byte[] bytes) {
        if (ignored(className)) {
            return null;
        }
        List<String> misuses = new ArrayList<>();
        byte[] out;
        try {
            out = process(loader, className, bytes, misuses::add);
        } catch (ScanFailed | RewriteFailed e) {
            throw new IllegalStateException("stm4j could not weave " + className.replace('/', '.') + ": "
                    + e.getCause(), e.getCause());
        }
        if (!misuses.isEmpty()) {
            throw new IllegalStateException("stm4j: " + String.join("; ", misuses));
        }
        return out;
    }

    /**
     * @param bytes a class file
     * @return whether stm4j rewrote it (it carries the {@code @Rewritten} mark)
     */
    public static boolean isMarkedRewritten(byte[] bytes) {
        return ConstantPoolScan.of(bytes).rewritten;
    }

    /** The rewritten class, or null for one to leave alone; misuses go to {@code misuses}. */
    private byte[] process(ClassLoader loader, String className, byte[] bytes, Consumer<String> misuses) {
        ClassInfo self;
        try {
            ConstantPoolScan scan = ConstantPoolScan.of(bytes);
            if (scan.rewritten) {
                return null; // woven at build time: never rewrite a class twice
            }
            if (!relevant(loader, className, bytes, scan)) {
                // nothing of stm4j's, but its super.clone() may copy a subclass's @Shared fields
                return scan.callsObjectClone && CloneCalls.bridgeVisibleFrom(loader)
                        ? CloneCalls.rewrite(className, bytes) : null;
            }
            self = ClassInfo.parse(bytes);
            index.remember(loader, self);
        } catch (RuntimeException | LinkageError e) {
            throw new ScanFailed(e);
        }
        self.misuses().forEach(misuses);
        try {
            byte[] out = rewrite(loader, className, bytes, self);
            if (options.verbose) {
                LOG.log(System.Logger.Level.INFO, "stm4j: rewrote " + className.replace('/', '.'));
            }
            return out;
        } catch (Throwable e) {
            throw new RewriteFailed(e);
        }
    }

    private static final class ScanFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ScanFailed(Throwable cause) {
            super(cause);
        }
    }

    private static final class RewriteFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RewriteFailed(Throwable cause) {
            super(cause);
        }
    }

    private boolean ignored(String n) {
        if (SharedIndex.isPlatform(n) || n.startsWith(Names.ENGINE_PACKAGE) || n.startsWith("io/stm4j/agent/")
                || n.startsWith("io/stm4j/spi/") || n.startsWith("net/bytebuddy/")
                || n.startsWith("io/stm4j/") && n.indexOf('/', "io/stm4j/".length()) < 0) {
            return true; // the JDK, ByteBuddy, and stm4j's own API, SPI, runtime and agent
        }
        for (String prefix : options.excludes) {
            if (n.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    private boolean relevant(ClassLoader loader, String className, byte[] bytes, ConstantPoolScan scan) {
        if (scan.mentionsAnnotations) {
            return true;
        }
        for (String owner : scan.fieldOwners) {
            if (owner.equals(className)) {
                // own fields do not declare @Shared (no mention): inherited ones might
                String superName = new ClassReader(bytes).getSuperName();
                if (superName != null && index.hierarchyDeclaresShared(loader, superName)) {
                    return true;
                }
            } else if (index.hierarchyDeclaresShared(loader, owner)) {
                return true;
            }
        }
        return false;
    }

    private byte[] rewrite(ClassLoader loader, String className, byte[] bytes, ClassInfo self) {
        String binaryName = className.replace('/', '.');
        ClassFileLocator locator = new ClassFileLocator.Compound(
                ClassFileLocator.Simple.of(binaryName, bytes),
                loader == null ? ClassFileLocator.ForClassLoader.ofBootLoader() : ClassFileLocator.ForClassLoader.of(loader));
        // Lazy: a type the class only names (a field's or a parameter's) is looked up only if the
        // rewriting needs more than its name, which it does not. An eager pool would ask the loader
        // for the class file of every field type, and loaders that define classes from bytes
        // (in-memory compilers, scripting engines, JShell) serve none.
        TypePool pool = TypePool.Default.WithLazyResolution.of(locator);
        TypeDescription type = pool.describe(binaryName).resolve();
        DynamicType.Builder<?> builder = byteBuddy.redefine(type, locator)
                .visit(new FieldRewriting(self, loader));
        for (ClassInfo.AtomicMethod m : self.atomicMethods) {
            if ((m.access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) != 0) {
                continue; // reported as a misuse
            }
            net.bytebuddy.description.method.MethodDescription.InDefinedShape md = type.getDeclaredMethods()
                    .filter(ElementMatchers.named(m.name).and(ElementMatchers.hasDescriptor(m.desc))).getOnly();
            net.bytebuddy.description.annotation.AnnotationDescription atomic = md.getDeclaredAnnotations().stream()
                    .filter(a -> a.getAnnotationType().getName().equals(Names.ATOMIC)).findFirst()
                    .orElseThrow();
            int maxRetries = atomic.getValue("maxRetries").resolve(Integer.class);
            long timeoutMillis = atomic.getValue("timeoutMillis").resolve(Long.class);
            boolean readOnly = atomic.getValue("readOnly").resolve(Boolean.class);
            builder = builder.visit(Advice.withCustomMapping()
                    .bind(AtomicAdvice.MaxRetries.class, maxRetries)
                    .bind(AtomicAdvice.TimeoutMillis.class, timeoutMillis)
                    .bind(AtomicAdvice.ReadOnly.class, readOnly)
                    .to(AtomicAdvice.class)
                    .on(ElementMatchers.is(md)));
        }
        return builder.make().getBytes();
    }

    /** The field rewriting as a ByteBuddy visitor wrapper. */
    private final class FieldRewriting implements AsmVisitorWrapper {
        private final ClassInfo self;
        private final ClassLoader loader;

        FieldRewriting(ClassInfo self, ClassLoader loader) {
            this.self = self;
            this.loader = loader;
        }

        @Override
        public int mergeWriter(int flags) {
            return flags;
        }

        @Override
        public int mergeReader(int flags) {
            return flags;
        }

        @Override
        public ClassVisitor wrap(TypeDescription instrumentedType, ClassVisitor classVisitor,
                                 Implementation.Context implementationContext, TypePool typePool,
                                 FieldList<FieldDescription.InDefinedShape> fields, MethodList<?> methods,
                                 int writerFlags, int readerFlags) {
            return new FieldRewriter(classVisitor, self, index, loader);
        }
    }

    /** The class as it was, but its static initialiser throws {@code message} first. */
    private static byte[] poisoned(byte[] bytes, String message) {
        try {
            ClassReader reader = new ClassReader(bytes);
            ClassWriter writer = new ClassWriter(reader, 0);
            boolean[] sawClinit = new boolean[1];
            reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
                @Override
                public MethodVisitor visitMethod(int access, String name, String desc, String sig, String[] ex) {
                    MethodVisitor mv = super.visitMethod(access, name, desc, sig, ex);
                    if (!"<clinit>".equals(name)) {
                        return mv;
                    }
                    sawClinit[0] = true;
                    return new MethodVisitor(Opcodes.ASM9, mv) {
                        @Override
                        public void visitCode() {
                            super.visitCode();
                            throwMessage(mv, message);
                        }

                        @Override
                        public void visitMaxs(int maxStack, int maxLocals) {
                            super.visitMaxs(Math.max(maxStack, 1), maxLocals);
                        }
                    };
                }

                @Override
                public void visitEnd() {
                    if (!sawClinit[0]) {
                        MethodVisitor mv = super.visitMethod(Opcodes.ACC_STATIC, "<clinit>", "()V", null, null);
                        mv.visitCode();
                        throwMessage(mv, message);
                        mv.visitInsn(Opcodes.RETURN);
                        mv.visitMaxs(1, 0);
                        mv.visitEnd();
                    }
                    super.visitEnd();
                }
            }, 0);
            return writer.toByteArray();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "stm4j: could not even mark the class as broken", e);
            return null;
        }
    }

    private static void throwMessage(MethodVisitor mv, String message) {
        mv.visitLdcInsn(message);
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, FieldRewriter.BRIDGE, "misuse", "(Ljava/lang/String;)V", false);
    }
}
