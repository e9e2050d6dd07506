package io.stm4j.agent.internal;

import io.stm4j.internal.Names;
import java.util.List;
import net.bytebuddy.jar.asm.AnnotationVisitor;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * Rewrites one class for stm4j.
 *
 * <p>For each {@code @Shared} field {@code f} the class declares it adds a cell field
 * ({@code stm$cell$f}), a metadata constant ({@code stm$meta$f}, set first thing in the static
 * initialiser) and five public static synthetic accessors: {@code stm$get$f}, {@code stm$set$f},
 * their forms handed the transaction {@code stm$tget$f} and {@code stm$tset$f} (which an
 * {@code @Atomic} method's accesses call), and {@code stm$init$f} (a constructor's or static
 * initialiser's direct write). In every method it
 * replaces each field instruction on a {@code @Shared} field, of this class or any other, with a
 * call to the declaring class's accessor; the call has exactly the stack shape of the instruction
 * it replaces, so frames, line numbers and local variables stay as they were.
 *
 * <p>Misuses found in the class are raised by its static initialiser, naming the member.
 */
final class FieldRewriter extends ClassVisitor {
    static final String CELL = Names.CELL;
    static final String META = Names.FIELD_META;
    static final String BRIDGE = Names.FIELD_BRIDGE;
    static final String CELL_PREFIX = Names.CELL_PREFIX;
    static final String META_PREFIX = Names.META_PREFIX;
    private static final String OBJECT = "Ljava/lang/Object;";

    private final ClassInfo self;
    private final SharedIndex index;
    private final ClassLoader loader;
    private final List<ClassInfo.FieldInfo> shared;
    private final List<String> misuses;
    private boolean sawClinit;

    FieldRewriter(ClassVisitor next, ClassInfo self, SharedIndex index, ClassLoader loader) {
        super(Opcodes.ASM9, next);
        this.self = self;
        this.index = index;
        this.loader = loader;
        this.shared = self.rewritableShared();
        this.misuses = self.misuses();
    }

    private boolean needsPrologue() {
        return !shared.isEmpty() || !misuses.isEmpty();
    }

    @Override
    public void visit(int version, int access, String name, String signature, String superName,
                      String[] interfaces) {
        super.visit(version, access, name, signature, superName, interfaces);
        // marks the class as rewritten: an agent that meets it woven at build time leaves it alone
        AnnotationVisitor mark = super.visitAnnotation(Names.REWRITTEN_DESC, true);
        if (mark != null) {
            mark.visitEnd();
        }
    }

    @Override
    public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                     String[] exceptions) {
        MethodVisitor mv = super.visitMethod(access, name, descriptor, signature, exceptions);
        if (mv == null) {
            return null;
        }
        boolean clinit = "<clinit>".equals(name);
        if (clinit) {
            sawClinit = true;
        }
        return new Accesses(mv, "<init>".equals(name), clinit, isAtomic(name, descriptor));
    }

    /** Whether the method is one the {@code @Atomic} advice wraps (the only ones that hold a transaction to hand). */
    private boolean isAtomic(String name, String descriptor) {
        for (ClassInfo.AtomicMethod m : self.atomicMethods) {
            if (m.name.equals(name) && m.desc.equals(descriptor)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void visitEnd() {
        for (ClassInfo.FieldInfo f : shared) {
            int st = f.isStatic() ? Opcodes.ACC_STATIC : 0;
            super.visitField(Opcodes.ACC_PRIVATE | Opcodes.ACC_SYNTHETIC | Opcodes.ACC_VOLATILE
                    | Opcodes.ACC_TRANSIENT | st, CELL_PREFIX + f.name, "L" + CELL + ";", null, null).visitEnd();
            super.visitField(Opcodes.ACC_PRIVATE | Opcodes.ACC_SYNTHETIC | Opcodes.ACC_STATIC | Opcodes.ACC_FINAL,
                    META_PREFIX + f.name, "L" + META + ";", null, null).visitEnd();
            getter(f, false);
            setter(f, false);
            getter(f, true);
            setter(f, true);
            initializer(f);
        }
        if (needsPrologue() && !sawClinit) {
            MethodVisitor mv = super.visitMethod(Opcodes.ACC_STATIC, "<clinit>", "()V", null, null);
            mv.visitCode();
            prologue(mv);
            mv.visitInsn(Opcodes.RETURN);
            mv.visitMaxs(2, 0);
            mv.visitEnd();
        }
        super.visitEnd();
    }

    /** First thing in the static initialiser: raise misuses, then set up each field's metadata. */
    private void prologue(MethodVisitor mv) {
        for (String m : misuses) {
            mv.visitLdcInsn(m);
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, BRIDGE, "misuse", "(Ljava/lang/String;)V", false);
        }
        for (ClassInfo.FieldInfo f : shared) {
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/invoke/MethodHandles", "lookup",
                    "()Ljava/lang/invoke/MethodHandles$Lookup;", false);
            mv.visitLdcInsn(f.name);
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, META, "of",
                    "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;)L" + META + ";", false);
            mv.visitFieldInsn(Opcodes.PUTSTATIC, self.name, META_PREFIX + f.name, "L" + META + ";");
        }
    }

    // ----------------------------------------------------------------- accessors

    private static String kind(String desc) {
        switch (desc.charAt(0)) {
            case 'J': return "Long";
            case 'I': return "Int";
            case 'S': return "Short";
            case 'B': return "Byte";
            case 'C': return "Char";
            case 'Z': return "Boolean";
            case 'F': return "Float";
            case 'D': return "Double";
            default: return "Ref";
        }
    }

    private static String bridgeDesc(String desc) {
        return "Ref".equals(kind(desc)) ? "Ljava/lang/Object;" : desc;
    }

    static String getterDesc(String owner, ClassInfo.FieldInfo f) {
        return f.isStatic() ? "()" + f.desc : "(L" + owner + ";)" + f.desc;
    }

    static String setterDesc(String owner, ClassInfo.FieldInfo f) {
        return f.isStatic() ? "(" + f.desc + ")V" : "(L" + owner + ";" + f.desc + ")V";
    }

    static String txnGetterDesc(String owner, ClassInfo.FieldInfo f) {
        return f.isStatic() ? "(" + OBJECT + ")" + f.desc : "(L" + owner + ";" + OBJECT + ")" + f.desc;
    }

    static String txnSetterDesc(String owner, ClassInfo.FieldInfo f) {
        return f.isStatic() ? "(" + f.desc + OBJECT + ")V" : "(L" + owner + ";" + f.desc + OBJECT + ")V";
    }

    /** Pushes the cell field, the object (or null) and the metadata: the bridge's first three arguments. */
    private void pushBridgeArgs(MethodVisitor mv, ClassInfo.FieldInfo f) {
        if (f.isStatic()) {
            mv.visitFieldInsn(Opcodes.GETSTATIC, self.name, CELL_PREFIX + f.name, "L" + CELL + ";");
            mv.visitInsn(Opcodes.ACONST_NULL);
        } else {
            mv.visitVarInsn(Opcodes.ALOAD, 0);
            mv.visitFieldInsn(Opcodes.GETFIELD, self.name, CELL_PREFIX + f.name, "L" + CELL + ";");
            mv.visitVarInsn(Opcodes.ALOAD, 0);
        }
        mv.visitFieldInsn(Opcodes.GETSTATIC, self.name, META_PREFIX + f.name, "L" + META + ";");
    }

    private MethodVisitor accessor(String prefix, ClassInfo.FieldInfo f, String desc) {
        return super.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC | Opcodes.ACC_SYNTHETIC,
                prefix + f.name, desc, null, null);
    }

    /**
     * The getter ({@code stm$get$f}), or with {@code withTxn} the one handed the transaction as its
     * last argument ({@code stm$tget$f}).
     */
    private void getter(ClassInfo.FieldInfo f, boolean withTxn) {
        MethodVisitor mv = accessor(withTxn ? Names.TXN_GETTER_PREFIX : Names.GETTER_PREFIX, f,
                withTxn ? txnGetterDesc(self.name, f) : getterDesc(self.name, f));
        mv.visitCode();
        int txnSlot = f.isStatic() ? 0 : 1;
        if (withTxn) {
            mv.visitVarInsn(Opcodes.ALOAD, txnSlot);
        }
        pushBridgeArgs(mv, f);
        String k = kind(f.desc);
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, BRIDGE, "read" + k,
                "(" + (withTxn ? OBJECT : "") + "L" + CELL + ";Ljava/lang/Object;L" + META + ";)" + bridgeDesc(f.desc), false);
        Type t = Type.getType(f.desc);
        if ("Ref".equals(k) && !OBJECT.equals(f.desc)) {
            mv.visitTypeInsn(Opcodes.CHECKCAST, t.getInternalName());
        }
        mv.visitInsn(t.getOpcode(Opcodes.IRETURN));
        mv.visitMaxs(withTxn ? 4 : 3, txnSlot + (withTxn ? 1 : 0));
        mv.visitEnd();
    }

    /**
     * The setter ({@code stm$set$f}), or with {@code withTxn} the one handed the transaction as its
     * last argument ({@code stm$tset$f}).
     */
    private void setter(ClassInfo.FieldInfo f, boolean withTxn) {
        MethodVisitor mv = accessor(withTxn ? Names.TXN_SETTER_PREFIX : Names.SETTER_PREFIX, f,
                withTxn ? txnSetterDesc(self.name, f) : setterDesc(self.name, f));
        mv.visitCode();
        Type t = Type.getType(f.desc);
        int valueSlot = f.isStatic() ? 0 : 1;
        int txnSlot = valueSlot + t.getSize();
        if (withTxn) {
            mv.visitVarInsn(Opcodes.ALOAD, txnSlot);
        }
        pushBridgeArgs(mv, f);
        mv.visitVarInsn(t.getOpcode(Opcodes.ILOAD), valueSlot);
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, BRIDGE, "write" + kind(f.desc),
                "(" + (withTxn ? OBJECT : "") + "L" + CELL + ";Ljava/lang/Object;L" + META + ";" + bridgeDesc(f.desc) + ")V", false);
        mv.visitInsn(Opcodes.RETURN);
        mv.visitMaxs((withTxn ? 4 : 3) + t.getSize(), txnSlot + (withTxn ? 1 : 0));
        mv.visitEnd();
    }

    /**
     * A constructor's (or static initialiser's) write: straight into the plain field while the
     * object has no cell yet (it is not shared yet), through the cell otherwise.
     */
    private void initializer(ClassInfo.FieldInfo f) {
        MethodVisitor mv = accessor(Names.INIT_PREFIX, f, setterDesc(self.name, f));
        mv.visitCode();
        Type t = Type.getType(f.desc);
        boolean st = f.isStatic();
        int valueSlot = st ? 0 : 1;
        Label viaCell = new Label();
        if (st) {
            mv.visitFieldInsn(Opcodes.GETSTATIC, self.name, CELL_PREFIX + f.name, "L" + CELL + ";");
        } else {
            mv.visitVarInsn(Opcodes.ALOAD, 0);
            mv.visitFieldInsn(Opcodes.GETFIELD, self.name, CELL_PREFIX + f.name, "L" + CELL + ";");
        }
        mv.visitJumpInsn(Opcodes.IFNONNULL, viaCell);
        if (!st) {
            mv.visitVarInsn(Opcodes.ALOAD, 0);
        }
        mv.visitVarInsn(t.getOpcode(Opcodes.ILOAD), valueSlot);
        mv.visitFieldInsn(st ? Opcodes.PUTSTATIC : Opcodes.PUTFIELD, self.name, f.name, f.desc);
        mv.visitInsn(Opcodes.RETURN);
        mv.visitLabel(viaCell);
        if ((self.version & 0xFFFF) >= Opcodes.V1_6) {
            Object[] locals = st ? new Object[] {frameType(t)} : new Object[] {self.name, frameType(t)};
            mv.visitFrame(Opcodes.F_NEW, locals.length, locals, 0, new Object[0]);
        }
        if (!st) {
            mv.visitVarInsn(Opcodes.ALOAD, 0);
        }
        mv.visitVarInsn(t.getOpcode(Opcodes.ILOAD), valueSlot);
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, self.name, Names.SETTER_PREFIX + f.name, setterDesc(self.name, f), false);
        mv.visitInsn(Opcodes.RETURN);
        mv.visitMaxs(1 + t.getSize(), valueSlot + t.getSize());
        mv.visitEnd();
    }

    private static Object frameType(Type t) {
        switch (t.getSort()) {
            case Type.BOOLEAN: case Type.BYTE: case Type.CHAR: case Type.SHORT: case Type.INT:
                return Opcodes.INTEGER;
            case Type.LONG: return Opcodes.LONG;
            case Type.FLOAT: return Opcodes.FLOAT;
            case Type.DOUBLE: return Opcodes.DOUBLE;
            case Type.ARRAY: return t.getDescriptor();
            default: return t.getInternalName();
        }
    }

    // ----------------------------------------------------------------- field instructions

    /**
     * Replaces field instructions on @Shared fields with accessor calls of the same stack shape.
     *
     * <p>In an {@code @Atomic} method the accesses are handed the transaction that the method's
     * advice entered. That advice runs before this visitor and stores what {@code
     * AtomicBridge.enter} returned in a local of its own, which the body never writes. This visitor
     * finds that local by the advice's code, exactly as {@link AtomicAdvice#enter} compiles:
     * {@code enter}, {@code ASTORE a}, {@code ALOAD a}, {@code CHECKCAST TxnState}, {@code GETFIELD
     * depth}, {@code ISTORE}, {@code ALOAD a}, then, past any {@code GOTO}, the {@code ASTORE} of the
     * enter value. Code of any other shape leaves the method with the accessors that look the
     * transaction up, which are as correct, one lookup per access slower ({@code
     * StmTransformerTest} notices that). So do the accesses to a field of a class woven at build
     * time by a stm4j from before the accessors that take the transaction.
     */
    private final class Accesses extends MethodVisitor {
        private static final int BEFORE_ENTER = 0;
        private static final int FOUND = -1;
        private static final int GAVE_UP = -2;

        private final boolean constructor;
        private final boolean staticInit;
        /** Where the match of the advice's code is: {@link #BEFORE_ENTER}, a step 1..7, or settled. */
        private int step;
        private int adviceLocal = -1;
        /** The local holding the entered transaction, once found; -1 before or without. */
        private int txnSlot = -1;
        private boolean handed;

        Accesses(MethodVisitor mv, boolean constructor, boolean staticInit, boolean atomic) {
            super(Opcodes.ASM9, mv);
            this.constructor = constructor;
            this.staticInit = staticInit;
            this.step = atomic ? BEFORE_ENTER : GAVE_UP; // only the advice of an @Atomic method enters
        }

        /** Follows the advice's enter code, one instruction at a time (see the class comment). */
        private void watch(int opcode, int var, String owner, String name) {
            if (step == FOUND || step == GAVE_UP) {
                return;
            }
            boolean next;
            switch (step) {
                case BEFORE_ENTER:
                    if (opcode == Opcodes.INVOKESTATIC && owner.equals(Names.ATOMIC_BRIDGE) && name.equals("enter")) {
                        step = 1;
                    }
                    return;
                case 1:
                    next = opcode == Opcodes.ASTORE;
                    adviceLocal = var;
                    break;
                case 2:
                case 6:
                    next = opcode == Opcodes.ALOAD && var == adviceLocal;
                    break;
                case 3:
                    next = opcode == Opcodes.CHECKCAST && owner.equals(Names.TXN_STATE);
                    break;
                case 4:
                    next = opcode == Opcodes.GETFIELD && owner.equals(Names.TXN_STATE) && name.equals("depth");
                    break;
                case 5:
                    next = opcode == Opcodes.ISTORE;
                    break;
                default: // 7
                    if (opcode == Opcodes.GOTO) {
                        return;
                    }
                    if (opcode == Opcodes.ASTORE) {
                        txnSlot = var;
                        step = FOUND;
                    } else {
                        step = GAVE_UP;
                    }
                    return;
            }
            step = next ? step + 1 : GAVE_UP;
        }

        @Override
        public void visitCode() {
            super.visitCode();
            if (staticInit && needsPrologue()) {
                prologue(this.mv);
            }
        }

        @Override
        public void visitMaxs(int maxStack, int maxLocals) {
            int stack = handed ? maxStack + 1 : maxStack;
            super.visitMaxs(staticInit ? Math.max(stack, 2) : stack, maxLocals);
        }

        @Override
        public void visitInsn(int opcode) {
            watch(opcode, -1, "", "");
            super.visitInsn(opcode);
        }

        @Override
        public void visitIntInsn(int opcode, int operand) {
            watch(opcode, -1, "", "");
            super.visitIntInsn(opcode, operand);
        }

        @Override
        public void visitVarInsn(int opcode, int var) {
            watch(opcode, var, "", "");
            super.visitVarInsn(opcode, var);
        }

        @Override
        public void visitTypeInsn(int opcode, String type) {
            watch(opcode, -1, type, "");
            super.visitTypeInsn(opcode, type);
        }

        @Override
        public void visitJumpInsn(int opcode, Label label) {
            watch(opcode, -1, "", "");
            super.visitJumpInsn(opcode, label);
        }

        @Override
        public void visitLdcInsn(Object value) {
            watch(Opcodes.LDC, -1, "", "");
            super.visitLdcInsn(value);
        }

        @Override
        public void visitIincInsn(int var, int increment) {
            watch(Opcodes.IINC, var, "", "");
            super.visitIincInsn(var, increment);
        }

        @Override
        public void visitTableSwitchInsn(int min, int max, Label dflt, Label... labels) {
            watch(Opcodes.TABLESWITCH, -1, "", "");
            super.visitTableSwitchInsn(min, max, dflt, labels);
        }

        @Override
        public void visitLookupSwitchInsn(Label dflt, int[] keys, Label[] labels) {
            watch(Opcodes.LOOKUPSWITCH, -1, "", "");
            super.visitLookupSwitchInsn(dflt, keys, labels);
        }

        @Override
        public void visitMultiANewArrayInsn(String descriptor, int numDimensions) {
            watch(Opcodes.MULTIANEWARRAY, -1, "", "");
            super.visitMultiANewArrayInsn(descriptor, numDimensions);
        }

        @Override
        public void visitInvokeDynamicInsn(String name, String descriptor, net.bytebuddy.jar.asm.Handle bsm, Object... args) {
            watch(Opcodes.INVOKEDYNAMIC, -1, "", "");
            super.visitInvokeDynamicInsn(name, descriptor, bsm, args);
        }

        @Override
        public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
            watch(opcode, -1, owner, name);
            SharedIndex.Resolved r = index.resolveShared(loader, owner, name);
            if (r == null) {
                super.visitFieldInsn(opcode, owner, name, descriptor);
                return;
            }
            String decl = r.declaring.name;
            ClassInfo.FieldInfo f = r.field;
            boolean own = decl.equals(self.name);
            boolean init = own && (opcode == Opcodes.PUTFIELD ? constructor : opcode == Opcodes.PUTSTATIC && staticInit);
            if (txnSlot >= 0 && !init && r.declaring.hasTxnAccessors(f)) {
                handed = true;
                super.visitVarInsn(Opcodes.ALOAD, txnSlot);
                boolean get = opcode == Opcodes.GETFIELD || opcode == Opcodes.GETSTATIC;
                call(owner, (get ? Names.TXN_GETTER_PREFIX : Names.TXN_SETTER_PREFIX) + name,
                        get ? txnGetterDesc(decl, f) : txnSetterDesc(decl, f));
                return;
            }
            switch (opcode) {
                case Opcodes.GETFIELD:
                case Opcodes.GETSTATIC:
                    call(owner, Names.GETTER_PREFIX + name, getterDesc(decl, f));
                    break;
                case Opcodes.PUTFIELD:
                case Opcodes.PUTSTATIC:
                    call(owner, (init ? Names.INIT_PREFIX : Names.SETTER_PREFIX) + name, setterDesc(decl, f));
                    break;
                default:
                    throw new IllegalStateException("unexpected field opcode " + opcode);
            }
        }

        @Override
        public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
            watch(opcode, -1, owner, name);
            super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
            CloneCalls.afterCall(this.mv, opcode, owner, name, descriptor);
        }

        /**
         * Calls through the referencing class, as javac does for inherited members: the accessor is
         * public and static, so resolution finds it in the declaring class even when that class is
         * not accessible from here.
         */
        private void call(String owner, String name, String desc) {
            super.visitMethodInsn(Opcodes.INVOKESTATIC, owner, name, desc, false);
        }
    }
}
