package io.stm4j.agent.internal;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * {@code super.clone()} made transactional: after every {@code invokespecial Object.clone()} the
 * copy passes through {@code FieldBridge.cloned}, which gives each of its {@code @Shared} fields
 * the value the cloning code sees and a cell of its own. The call takes and returns one reference,
 * so the stack shape, frames and maximum stack stay as they were.
 *
 * <p>Classes that mention nothing of stm4j's but call {@code Object.clone()} (a base class whose
 * subclasses declare {@code @Shared} fields) get this rewriting alone, by plain ASM.
 */
final class CloneCalls {
    private static final System.Logger LOG = System.getLogger("io.stm4j.agent");

    /** Per class loader: whether it sees the runtime's bridge (weak keys: loaders come and go). */
    private static final Map<ClassLoader, Boolean> SEES_BRIDGE = Collections.synchronizedMap(new WeakHashMap<>());

    private CloneCalls() {
    }

    /**
     * Whether classes of {@code loader} can call the bridge: only then may a class that mentions
     * nothing of stm4j's get the call (a plugin or library loader that does not see stm-runtime
     * would fail at its first clone otherwise).
     */
    static boolean bridgeVisibleFrom(ClassLoader loader) {
        if (loader == null) {
            return false; // the boot loader sees no application class
        }
        return SEES_BRIDGE.computeIfAbsent(loader, l -> {
            try {
                Class.forName(FieldRewriter.BRIDGE.replace('/', '.'), false, l);
                return true;
            } catch (ClassNotFoundException | LinkageError e) {
                return false;
            }
        });
    }

    /** Emits the bridge call if the instruction just emitted on {@code mv} was {@code Object.clone()}. */
    static void afterCall(MethodVisitor mv, int opcode, String owner, String name, String descriptor) {
        if (opcode == Opcodes.INVOKESPECIAL && "clone".equals(name) && "java/lang/Object".equals(owner)
                && "()Ljava/lang/Object;".equals(descriptor)) {
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, FieldRewriter.BRIDGE, "cloned",
                    "(Ljava/lang/Object;)Ljava/lang/Object;", false);
        }
    }

    /**
     * @param className its internal name, for the warning
     * @param bytes a class file that calls {@code Object.clone()}
     * @return it with each such call followed by the bridge call, or null (left as it is, with a
     *         warning) if it cannot be parsed
     */
    static byte[] rewrite(String className, byte[] bytes) {
        try {
            ClassReader reader = new ClassReader(bytes);
            ClassWriter writer = new ClassWriter(reader, 0);
            reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
                @Override
                public MethodVisitor visitMethod(int access, String name, String desc, String sig, String[] ex) {
                    return new MethodVisitor(Opcodes.ASM9, super.visitMethod(access, name, desc, sig, ex)) {
                        @Override
                        public void visitMethodInsn(int opcode, String owner, String n, String d, boolean itf) {
                            super.visitMethodInsn(opcode, owner, n, d, itf);
                            afterCall(this.mv, opcode, owner, n, d);
                        }
                    };
                }
            }, 0);
            return writer.toByteArray();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "stm4j: could not rewrite the super.clone() calls of "
                    + className.replace('/', '.') + "; inside a transaction, the copies it makes of objects with"
                    + " @Shared fields hold their committed values, not the transaction's own writes", e);
            return null;
        }
    }
}
