package io.stm4j.agent.internal;

import io.stm4j.internal.Names;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.bytebuddy.jar.asm.AnnotationVisitor;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.FieldVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/** What the agent needs to know about one class: its supertypes, fields and {@code @Atomic} methods. */
final class ClassInfo {
    static final String SHARED_DESC = Names.SHARED_DESC;
    static final String ATOMIC_DESC = Names.ATOMIC_DESC;

    /** One declared field. */
    static final class FieldInfo {
        final String name;
        final String desc;
        final int access;
        boolean shared;

        FieldInfo(String name, String desc, int access) {
            this.name = name;
            this.desc = desc;
            this.access = access;
        }

        boolean isStatic() {
            return (access & Opcodes.ACC_STATIC) != 0;
        }

        boolean isFinal() {
            return (access & Opcodes.ACC_FINAL) != 0;
        }
    }

    /** One method annotated {@code @Atomic}. */
    static final class AtomicMethod {
        final String name;
        final String desc;
        final int access;
        /** The annotation's elements as written in the class file (the defaults when absent). */
        int maxRetries = -1;
        long timeoutMillis = -1L;

        AtomicMethod(String name, String desc, int access) {
            this.name = name;
            this.desc = desc;
            this.access = access;
        }
    }

    final String name;
    final String superName;
    final List<String> interfaces;
    final int access;
    final int version;
    final Map<String, FieldInfo> fields;
    final List<AtomicMethod> atomicMethods;
    /** Whether the class was woven already (it carries the {@code @Rewritten} mark). */
    final boolean woven;
    /** Of a woven class: the fields whose accessors take the transaction ({@code stm$tget$<field>}). */
    private final Set<String> txnAccessors;

    private ClassInfo(String name, String superName, List<String> interfaces, int access, int version,
                      Map<String, FieldInfo> fields, List<AtomicMethod> atomicMethods, boolean woven,
                      Set<String> txnAccessors) {
        this.name = name;
        this.superName = superName;
        this.interfaces = interfaces;
        this.access = access;
        this.version = version;
        this.fields = fields;
        this.atomicMethods = atomicMethods;
        this.woven = woven;
        this.txnAccessors = txnAccessors;
    }

    /**
     * Whether the class has the accessors of {@code f} that take the transaction, or will have them
     * once rewritten now. A class woven at build time by a stm4j from before them has not: its
     * fields are accessed through the accessors that look the transaction up.
     */
    boolean hasTxnAccessors(FieldInfo f) {
        return !woven || txnAccessors.contains(f.name);
    }

    boolean declaresShared() {
        for (FieldInfo f : fields.values()) {
            if (f.shared) {
                return true;
            }
        }
        return false;
    }

    /** The @Shared fields the agent can make transactional: not final. */
    List<FieldInfo> rewritableShared() {
        List<FieldInfo> out = new ArrayList<>();
        for (FieldInfo f : fields.values()) {
            if (f.shared && !f.isFinal()) {
                out.add(f);
            }
        }
        return out;
    }

    /** Messages for every misuse of the annotations in this class, each naming class and member. */
    List<String> misuses() {
        List<String> out = new ArrayList<>();
        String cls = name.replace('/', '.');
        for (FieldInfo f : fields.values()) {
            if (f.shared && f.isFinal()) {
                out.add("@Shared field " + cls + "." + f.name + " is final: a final field cannot be"
                        + " transactional; remove 'final' or the annotation");
            }
        }
        for (AtomicMethod m : atomicMethods) {
            if ((m.access & Opcodes.ACC_ABSTRACT) != 0) {
                out.add("@Atomic method " + cls + "." + m.name + m.desc + " is abstract: annotate the"
                        + " implementing method instead");
            } else if ((m.access & Opcodes.ACC_NATIVE) != 0) {
                out.add("@Atomic method " + cls + "." + m.name + m.desc + " is native: its body cannot run"
                        + " as a transaction");
            }
            if (m.maxRetries < -1) {
                out.add("@Atomic(maxRetries = " + m.maxRetries + ") on " + cls + "." + m.name + m.desc
                        + ": maxRetries must be -1 (unlimited) or >= 0");
            }
            if (m.timeoutMillis < -1L) {
                out.add("@Atomic(timeoutMillis = " + m.timeoutMillis + ") on " + cls + "." + m.name + m.desc
                        + ": timeoutMillis must be -1 (none) or >= 0");
            }
        }
        return out;
    }

    static ClassInfo parse(byte[] bytes) {
        ClassReader reader = new ClassReader(bytes);
        Collector c = new Collector();
        reader.accept(c, ClassReader.SKIP_CODE | ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        return new ClassInfo(c.name, c.superName, c.interfaces, c.access, c.version,
                Collections.unmodifiableMap(c.fields), Collections.unmodifiableList(c.atomics), c.woven,
                Collections.unmodifiableSet(c.txnAccessors));
    }

    private static final class Collector extends ClassVisitor {
        String name;
        String superName;
        List<String> interfaces = List.of();
        int access;
        int version;
        final Map<String, FieldInfo> fields = new LinkedHashMap<>();
        final List<AtomicMethod> atomics = new ArrayList<>();
        boolean woven;
        final Set<String> txnAccessors = new HashSet<>();

        Collector() {
            super(Opcodes.ASM9);
        }

        @Override
        public void visit(int version, int access, String name, String signature, String superName,
                          String[] interfaces) {
            this.version = version;
            this.access = access;
            this.name = name;
            this.superName = superName;
            this.interfaces = interfaces == null ? List.of() : List.of(interfaces);
        }

        @Override
        public FieldVisitor visitField(int access, String name, String descriptor, String signature, Object value) {
            FieldInfo f = new FieldInfo(name, descriptor, access);
            fields.put(name, f);
            return new FieldVisitor(Opcodes.ASM9) {
                @Override
                public AnnotationVisitor visitAnnotation(String desc, boolean visible) {
                    if (SHARED_DESC.equals(desc)) {
                        f.shared = true;
                    }
                    return null;
                }
            };
        }

        @Override
        public AnnotationVisitor visitAnnotation(String desc, boolean visible) {
            if (Names.REWRITTEN_DESC.equals(desc)) {
                woven = true;
            }
            return null;
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                         String[] exceptions) {
            if (name.startsWith(Names.TXN_GETTER_PREFIX)) {
                txnAccessors.add(name.substring(Names.TXN_GETTER_PREFIX.length()));
            }
            return new MethodVisitor(Opcodes.ASM9) {
                @Override
                public AnnotationVisitor visitAnnotation(String desc, boolean visible) {
                    if (!ATOMIC_DESC.equals(desc)) {
                        return null;
                    }
                    AtomicMethod m = new AtomicMethod(name, descriptor, access);
                    atomics.add(m);
                    return new AnnotationVisitor(Opcodes.ASM9) {
                        @Override
                        public void visit(String element, Object value) {
                            if ("maxRetries".equals(element) && value instanceof Integer) {
                                m.maxRetries = (Integer) value;
                            } else if ("timeoutMillis".equals(element) && value instanceof Long) {
                                m.timeoutMillis = (Long) value;
                            }
                        }
                    };
                }
            };
        }
    }
}
