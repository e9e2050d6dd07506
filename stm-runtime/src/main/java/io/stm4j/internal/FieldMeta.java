package io.stm4j.internal;

import io.stm4j.Shared;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;

/**
 * What the runtime knows about one {@code @Shared} field: its name, its kind, and handles on the
 * original field (which holds the constructor's value until the first transactional access) and on
 * the synthetic field that holds its {@link Cell}. The agent stores one in a static final field of
 * the declaring class, so accessors reach it as a constant.
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

    private FieldMeta(Class<?> declaring, Field f, VarHandle value, VarHandle cell) {
        this.declaring = declaring;
        this.displayName = declaring.getName() + "." + f.getName();
        this.isStatic = Modifier.isStatic(f.getModifiers());
        this.type = f.getType();
        this.value = value;
        this.cell = cell;
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
            String cellName = FieldBridge.CELL_PREFIX + name;
            boolean st = Modifier.isStatic(f.getModifiers());
            VarHandle value = st ? lookup.findStaticVarHandle(c, name, f.getType())
                    : lookup.findVarHandle(c, name, f.getType());
            VarHandle cell = st ? lookup.findStaticVarHandle(c, cellName, Cell.class)
                    : lookup.findVarHandle(c, cellName, Cell.class);
            return new FieldMeta(c, f, value, cell);
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
        Cell fresh;
        if (c == null) {
            fresh = newCell(self, value.get(self));
        } else {
            // a shallow copy of another object: start from the original's value as seen now
            fresh = newCell(self, FieldBridge.readBoxed(c, type));
        }
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
        StatsRecorder stats = RuntimeProvider.defaultRecorder();
        if (type.isPrimitive()) {
            return new Cell(displayName, home, null, FieldBridge.bits(boxed, type), stats);
        }
        return new Cell(displayName, home, boxed, 0L, stats);
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
