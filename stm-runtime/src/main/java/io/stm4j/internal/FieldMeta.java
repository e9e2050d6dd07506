package io.stm4j.internal;

import io.stm4j.Shared;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What the runtime knows about one {@code @Shared} field: its name, its kind, and handles on the
 * declared field and on the synthetic field that holds its {@link Cell}. The agent stores one in a
 * static final field of the declaring class, so accessors reach it as a constant.
 *
 * <p>The declared field always holds the latest committed value: it is the storage until the cell
 * exists (constructors write it directly, deserializers and reflective constructors set it), the
 * cell is built from it, and every commit writes it again under the cell's lock
 * ({@link #publish}). So whatever reads fields by reflection sees committed state, never a value
 * from before the first transaction and never an uncommitted one. The transactional paths never
 * read it once the cell exists.
 *
 * <p>Not API: public for agent-generated code.
 */
public final class FieldMeta {
    final String displayName;
    final boolean isStatic;
    final Class<?> type;
    private final VarHandle value;
    private final VarHandle cell;
    private final Class<?> declaring;
    /** The declared field as {@link #publish} writes it. */
    private final DeclaredField declared;
    /** Whether a write that bypassed stm4j was reported already (once per field; guarded by this). */
    private boolean bypassReported;

    /** The {@code @Shared} fields each class declares, registered by their class's static initialiser. */
    private static final ClassValue<List<FieldMeta>> DECLARED = new ClassValue<>() {
        @Override
        protected List<FieldMeta> computeValue(Class<?> type) {
            return new CopyOnWriteArrayList<>();
        }
    };

    private FieldMeta(Class<?> declaring, Field f, VarHandle value, VarHandle cell) {
        this.declaring = declaring;
        this.displayName = declaring.getName() + "." + f.getName();
        this.isStatic = Modifier.isStatic(f.getModifiers());
        this.type = f.getType();
        this.value = value;
        this.cell = cell;
        // Opaque access to the declared field, erased to one shape for every field:
        // (Object self) -> Object and (Object self, Object value) -> void for references,
        // (Object self) -> long and (Object self, long bits) -> void for primitives, in the cell's
        // bit encoding (FieldBridge.bits). A static field's handles ignore self.
        MethodHandle get = value.toMethodHandle(VarHandle.AccessMode.GET_OPAQUE);
        MethodHandle set = value.toMethodHandle(VarHandle.AccessMode.SET_OPAQUE);
        if (isStatic) {
            get = MethodHandles.dropArguments(get, 0, Object.class);
            set = MethodHandles.dropArguments(set, 0, Object.class);
        }
        if (type == float.class) {
            get = MethodHandles.filterReturnValue(get, BitsOf.FLOAT_TO_BITS);
            set = MethodHandles.filterArguments(set, 1, BitsOf.BITS_TO_FLOAT);
        } else if (type == double.class) {
            get = MethodHandles.filterReturnValue(get, BitsOf.DOUBLE_TO_BITS);
            set = MethodHandles.filterArguments(set, 1, BitsOf.BITS_TO_DOUBLE);
        }
        // the casting conversions to and from long match FieldBridge.bits/unbits: a sign- (or for
        // char zero-) extended value (a float's int bits too), boolean as 1 or 0
        Class<?> bits = type.isPrimitive() ? long.class : Object.class;
        this.declared = DeclaredField.of(
                MethodHandles.explicitCastArguments(get, MethodType.methodType(bits, Object.class)),
                MethodHandles.explicitCastArguments(set, MethodType.methodType(void.class, Object.class, bits)));
    }

    /** The JDK's raw-bits conversions of float and double, as method handles. */
    private static final class BitsOf {
        static final MethodHandle FLOAT_TO_BITS = find(Float.class, "floatToRawIntBits", int.class, float.class);
        static final MethodHandle BITS_TO_FLOAT = find(Float.class, "intBitsToFloat", float.class, int.class);
        static final MethodHandle DOUBLE_TO_BITS = find(Double.class, "doubleToRawLongBits", long.class, double.class);
        static final MethodHandle BITS_TO_DOUBLE = find(Double.class, "longBitsToDouble", double.class, long.class);

        private BitsOf() {
        }

        private static MethodHandle find(Class<?> owner, String name, Class<?> r, Class<?> p) {
            try {
                return MethodHandles.publicLookup().findStatic(owner, name, MethodType.methodType(r, p));
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
    }

    /**
     * Called from the declaring class's static initialiser.
     *
     * @param lookup the declaring class's own lookup
     * @param name the field's name
     * @return its metadata
     */
    public static FieldMeta of(MethodHandles.Lookup lookup, String name) {
        Class<?> c = lookup.lookupClass();
        try {
            Field f = c.getDeclaredField(name);
            if (!f.isAnnotationPresent(Shared.class)) {
                throw new IllegalStateException(c.getName() + "." + name + " is not annotated @Shared");
            }
            String cellName = Names.CELL_PREFIX + name;
            boolean st = Modifier.isStatic(f.getModifiers());
            VarHandle value = st ? lookup.findStaticVarHandle(c, name, f.getType())
                    : lookup.findVarHandle(c, name, f.getType());
            VarHandle cell = st ? lookup.findStaticVarHandle(c, cellName, Cell.class)
                    : lookup.findVarHandle(c, cellName, Cell.class);
            FieldMeta meta = new FieldMeta(c, f, value, cell);
            DECLARED.get(c).add(meta);
            return meta;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("stm4j: cannot set up @Shared field " + c.getName() + "." + name
                    + " (was the class rewritten by the stm4j agent?)", e);
        }
    }

    /** The cell of {@code self}'s field, created from the field's plain value on first use. */
    Cell cellOf(Object self) {
        Cell c = (Cell) cell.getVolatile(self);
        if (c != null && c.home == self) {
            return c;
        }
        // No cell yet, or a shallow copy of another object's (a copy the agent did not see made,
        // such as a Mockito spy): either way the declared field holds this object's state.
        Cell fresh = newCell(self, value.get(self));
        Cell witness = (Cell) cell.compareAndExchange(self, c, fresh);
        return witness == c ? fresh : cellOf(self);
    }

    /** The cell of a static field. */
    Cell staticCell() {
        Cell c = (Cell) cell.getVolatile();
        if (c != null) {
            return c;
        }
        Cell fresh = newCell(null, value.get());
        Cell witness = (Cell) cell.compareAndExchange((Cell) null, fresh);
        return witness == null ? fresh : witness;
    }

    private Cell newCell(Object home, Object boxed) {
        if (type.isPrimitive()) {
            return new Cell(this, home, null, FieldBridge.bits(boxed, type));
        }
        return new Cell(this, home, boxed, 0L);
    }

    /**
     * Writes a value being installed into the declared field of {@code self} (null if static); the
     * caller holds the cell's lock, so commits write the field in their order. Opaque accesses:
     * atomic for {@code long} and {@code double}; the order towards readers of the cell comes from
     * the head's release store that follows.
     *
     * <p>The field should still hold {@code lastRef}/{@code lastPrim}, the value committed before. If it does not,
     * something wrote it around stm4j (reflection, {@code Unsafe}, a deserializer reusing the
     * object) after the object was used transactionally; that write is lost, and it is reported
     * once per field.
     */
    void publish(Object self, Object lastRef, long lastPrim, Object ref, long prim) {
        if (type.isPrimitive()) {
            long was = declared.exchangeBits(self, prim);
            if (was != lastPrim) {
                reportBypass(self, FieldBridge.unbits(was, type), FieldBridge.unbits(lastPrim, type));
            }
        } else {
            Object was = declared.exchangeRef(self, ref);
            if (was != lastRef) {
                reportBypass(self, was, lastRef);
            }
        }
    }

    private synchronized void reportBypass(Object self, Object found, Object committed) {
        if (bypassReported) {
            return;
        }
        bypassReported = true;
        Log.error("stm4j: " + displayName + (isStatic ? "" : " of " + identity(self))
                + " was written around stm4j (by reflection, Unsafe, JNI or a deserializer reusing the object)"
                + " after it was first used transactionally: it held " + found + " where " + committed
                + " was committed, and that write is lost (a commit has just replaced it). Write @Shared fields"
                + " only from code the stm4j agent rewrote. Reported once per field.");
    }

    private static String identity(Object o) {
        return o.getClass().getName() + "@" + Integer.toHexString(System.identityHashCode(o));
    }

    /**
     * Makes {@code copy}, just returned by {@code Object.clone()}, independent of the object it was
     * copied from: each {@code @Shared} instance field of its class and superclasses gets the value
     * the cloning code sees in the original (inside a transaction, its view, recorded as a read), and
     * no cell, so it builds its own from that value on first use.
     *
     * @param copy the new copy, not yet shared with any other thread
     */
    static void cloned(Object copy) {
        for (Class<?> k = copy.getClass(); k != null && k != Object.class; k = k.getSuperclass()) {
            for (FieldMeta m : DECLARED.get(k)) {
                if (m.isStatic) {
                    continue;
                }
                Cell original = (Cell) m.cell.get(copy);
                if (original != null) {
                    m.value.set(copy, FieldBridge.readBoxed(original, m.type));
                    m.cell.set(copy, (Cell) null);
                }
            }
        }
    }

    /** The cell behind this field of {@code self} (null for a static field). */
    Cell cell(Object self) {
        return isStatic ? staticCell() : cellOf(self);
    }

    @Override
    public String toString() {
        return displayName + " (" + declaring.getName() + ")";
    }
}
