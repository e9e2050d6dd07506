package io.stm4j.agent.internal;

import io.stm4j.internal.Names;
import java.util.ArrayList;
import java.util.List;

/**
 * A quick look at a class file's constant pool, without parsing the rest: does it mention stm4j's
 * annotations, and which classes own the fields it accesses? Most classes answer "no" and "none
 * that matter" here and are left alone at the cost of one pass over their constant pool.
 */
final class ConstantPoolScan {
    private static final byte[] SHARED = Names.SHARED_DESC.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    private static final byte[] ATOMIC = Names.ATOMIC_DESC.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    private static final byte[] REWRITTEN = Names.REWRITTEN_DESC.getBytes(java.nio.charset.StandardCharsets.UTF_8);

    final boolean mentionsAnnotations;
    /** Whether stm4j rewrote the class already (it carries {@code @Rewritten}: woven at build time). */
    final boolean rewritten;
    /** Internal names of the owners of every field reference, without duplicates. */
    final List<String> fieldOwners;
    /** Whether the class refers to {@code Object.clone()} (a {@code super.clone()} call). */
    final boolean callsObjectClone;

    private ConstantPoolScan(boolean mentionsAnnotations, boolean rewritten, List<String> fieldOwners,
                             boolean callsObjectClone) {
        this.mentionsAnnotations = mentionsAnnotations;
        this.rewritten = rewritten;
        this.fieldOwners = fieldOwners;
        this.callsObjectClone = callsObjectClone;
    }

    static ConstantPoolScan of(byte[] b) {
        int count = u2(b, 8);
        int[] offsets = new int[count];
        int[] fieldrefClass = new int[count];
        int nFieldrefs = 0;
        int[] methodrefs = new int[count];
        int nMethodrefs = 0;
        boolean mentions = false;
        boolean rewritten = false;
        int p = 10;
        for (int i = 1; i < count; i++) {
            int tag = b[p] & 0xFF;
            offsets[i] = p;
            switch (tag) {
                case 1: { // Utf8
                    int len = u2(b, p + 1);
                    if (!mentions && (len == SHARED.length && equalsAt(b, p + 3, SHARED)
                            || len == ATOMIC.length && equalsAt(b, p + 3, ATOMIC))) {
                        mentions = true;
                    }
                    if (len == REWRITTEN.length && equalsAt(b, p + 3, REWRITTEN)) {
                        rewritten = true;
                    }
                    p += 3 + len;
                    break;
                }
                case 3: case 4: // Integer, Float
                    p += 5;
                    break;
                case 5: case 6: // Long, Double: two slots
                    p += 9;
                    i++;
                    break;
                case 7: case 8: case 16: case 19: case 20: // Class, String, MethodType, Module, Package
                    p += 3;
                    break;
                case 9: // Fieldref
                    fieldrefClass[nFieldrefs++] = u2(b, p + 1);
                    p += 5;
                    break;
                case 10: // Methodref
                    methodrefs[nMethodrefs++] = p;
                    p += 5;
                    break;
                case 11: case 12: case 17: case 18: // IMethodref, NameAndType, Dynamic, InvokeDynamic
                    p += 5;
                    break;
                case 15: // MethodHandle
                    p += 4;
                    break;
                default:
                    throw new IllegalArgumentException("unknown constant pool tag " + tag + " at " + p);
            }
        }
        List<String> owners = new ArrayList<>(nFieldrefs);
        for (int k = 0; k < nFieldrefs; k++) {
            int classEntry = offsets[fieldrefClass[k]];
            int utf = offsets[u2(b, classEntry + 1)];
            String name = utf8(b, utf);
            if (!owners.contains(name)) {
                owners.add(name);
            }
        }
        boolean clone = false;
        for (int k = 0; k < nMethodrefs && !clone; k++) {
            int classEntry = offsets[u2(b, methodrefs[k] + 1)];
            int nameAndType = offsets[u2(b, methodrefs[k] + 3)];
            clone = "clone".equals(utf8(b, offsets[u2(b, nameAndType + 1)]))
                    && "java/lang/Object".equals(utf8(b, offsets[u2(b, classEntry + 1)]));
        }
        return new ConstantPoolScan(mentions, rewritten, owners, clone);
    }

    private static int u2(byte[] b, int p) {
        return ((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF);
    }

    private static boolean equalsAt(byte[] b, int p, byte[] what) {
        for (int i = 0; i < what.length; i++) {
            if (b[p + i] != what[i]) {
                return false;
            }
        }
        return true;
    }

    private static String utf8(byte[] b, int p) {
        int len = u2(b, p + 1);
        // class names in practice are ASCII; modified UTF-8 decodes as UTF-8 for everything else here
        return new String(b, p + 3, len, java.nio.charset.StandardCharsets.UTF_8);
    }
}
