package io.stm4j.internal;

/**
 * What the agent's rewritten field accesses call: every {@code GETFIELD}/{@code PUTFIELD}/
 * {@code GETSTATIC}/{@code PUTSTATIC} on a {@code @Shared} field becomes a call to a small
 * accessor in the declaring class, which calls one of these with the field's cell, the object and
 * the field's {@link FieldMeta}. Primitive fields have their own variants so they never box.
 *
 * <p>Each read and write comes in two forms. One looks up the current thread's transaction; the
 * other is handed it: the accessors that an {@code @Atomic} method's field accesses call pass the
 * transaction its advice entered (the same object as the lookup's), which saves a lookup per access.
 *
 * <p>Inside a transaction the access joins it; outside, a read returns the latest committed value
 * and a write commits on its own as a one-field transaction.
 *
 * <p>Not API: public for agent-generated code.
 */
public final class FieldBridge {
    private FieldBridge() {
    }

    /**
     * The cell to use: the one in the field, unless the object has none yet or holds a shallow
     * copy's (then {@link FieldMeta} makes it one of its own).
     */
    private static Cell cellOf(Cell c, Object self, FieldMeta m) {
        return c != null && c.home == self ? c : m.cell(self);
    }

    private static long readBits(Object txn, Cell c) {
        Txn t = (Txn) txn;
        if (t.depth > 0) {
            return t.readPrim(c);
        }
        return NonTxn.latestPrim(c);
    }

    private static void writeBits(Object txn, Cell c, long bits) {
        Txn t = (Txn) txn;
        if (t.depth > 0) {
            t.writePrim(c, bits);
        } else {
            NonTxn.write(t, c, null, bits);
        }
    }

    /**
     * The current thread's transaction, to hand to the accessors that take one. An {@code @Atomic}
     * method hands the one its advice entered instead, which is the same object, without looking it up.
     */
    static Object current() {
        return Txn.current();
    }

    /** @return the field's value @param c the cell field @param self the object, null if static @param m the field */
    public static Object readRef(Cell c, Object self, FieldMeta m) {
        return readRef(current(), c, self, m);
    }

    /**
     * @return the field's value @param txn the current thread's transaction (what {@link
     *     AtomicBridge#enter} returned) @param c the cell field @param self the object, null if static
     *     @param m the field
     */
    public static Object readRef(Object txn, Cell c, Object self, FieldMeta m) {
        Cell cell = cellOf(c, self, m);
        Txn t = (Txn) txn;
        if (t.depth > 0) {
            return t.readRef(cell);
        }
        return NonTxn.latestRef(cell);
    }

    /** Writes the field. @param c the cell field @param self the object, null if static @param m the field @param v the value */
    public static void writeRef(Cell c, Object self, FieldMeta m, Object v) {
        writeRef(current(), c, self, m, v);
    }

    /**
     * Writes the field. @param txn the current thread's transaction @param c the cell field @param
     * self the object, null if static @param m the field @param v the value
     */
    public static void writeRef(Object txn, Cell c, Object self, FieldMeta m, Object v) {
        Cell cell = cellOf(c, self, m);
        Txn t = (Txn) txn;
        if (t.depth > 0) {
            t.writeRef(cell, v);
        } else {
            NonTxn.write(t, cell, v, 0L);
        }
    }

    /** @return the field's value @param c the cell field @param self the object, null if static @param m the field */
    public static long readLong(Cell c, Object self, FieldMeta m) {
        return readLong(current(), c, self, m);
    }

    /** @return the field's value @param txn the current thread's transaction @param c the cell field @param self the object, null if static @param m the field */
    public static long readLong(Object txn, Cell c, Object self, FieldMeta m) {
        long bits = readBits(txn, cellOf(c, self, m));
        return bits;
    }

    /** Writes the field. @param c the cell field @param self the object, null if static @param m the field @param v the value */
    public static void writeLong(Cell c, Object self, FieldMeta m, long v) {
        writeLong(current(), c, self, m, v);
    }

    /** Writes the field. @param txn the current thread's transaction @param c the cell field @param self the object, null if static @param m the field @param v the value */
    public static void writeLong(Object txn, Cell c, Object self, FieldMeta m, long v) {
        writeBits(txn, cellOf(c, self, m), v);
    }

    /** @return the field's value @param c the cell field @param self the object, null if static @param m the field */
    public static int readInt(Cell c, Object self, FieldMeta m) {
        return readInt(current(), c, self, m);
    }

    /** @return the field's value @param txn the current thread's transaction @param c the cell field @param self the object, null if static @param m the field */
    public static int readInt(Object txn, Cell c, Object self, FieldMeta m) {
        long bits = readBits(txn, cellOf(c, self, m));
        return (int) bits;
    }

    /** Writes the field. @param c the cell field @param self the object, null if static @param m the field @param v the value */
    public static void writeInt(Cell c, Object self, FieldMeta m, int v) {
        writeInt(current(), c, self, m, v);
    }

    /** Writes the field. @param txn the current thread's transaction @param c the cell field @param self the object, null if static @param m the field @param v the value */
    public static void writeInt(Object txn, Cell c, Object self, FieldMeta m, int v) {
        writeBits(txn, cellOf(c, self, m), (long) v);
    }

    /** @return the field's value @param c the cell field @param self the object, null if static @param m the field */
    public static short readShort(Cell c, Object self, FieldMeta m) {
        return readShort(current(), c, self, m);
    }

    /** @return the field's value @param txn the current thread's transaction @param c the cell field @param self the object, null if static @param m the field */
    public static short readShort(Object txn, Cell c, Object self, FieldMeta m) {
        long bits = readBits(txn, cellOf(c, self, m));
        return (short) bits;
    }

    /** Writes the field. @param c the cell field @param self the object, null if static @param m the field @param v the value */
    public static void writeShort(Cell c, Object self, FieldMeta m, short v) {
        writeShort(current(), c, self, m, v);
    }

    /** Writes the field. @param txn the current thread's transaction @param c the cell field @param self the object, null if static @param m the field @param v the value */
    public static void writeShort(Object txn, Cell c, Object self, FieldMeta m, short v) {
        writeBits(txn, cellOf(c, self, m), (long) v);
    }

    /** @return the field's value @param c the cell field @param self the object, null if static @param m the field */
    public static byte readByte(Cell c, Object self, FieldMeta m) {
        return readByte(current(), c, self, m);
    }

    /** @return the field's value @param txn the current thread's transaction @param c the cell field @param self the object, null if static @param m the field */
    public static byte readByte(Object txn, Cell c, Object self, FieldMeta m) {
        long bits = readBits(txn, cellOf(c, self, m));
        return (byte) bits;
    }

    /** Writes the field. @param c the cell field @param self the object, null if static @param m the field @param v the value */
    public static void writeByte(Cell c, Object self, FieldMeta m, byte v) {
        writeByte(current(), c, self, m, v);
    }

    /** Writes the field. @param txn the current thread's transaction @param c the cell field @param self the object, null if static @param m the field @param v the value */
    public static void writeByte(Object txn, Cell c, Object self, FieldMeta m, byte v) {
        writeBits(txn, cellOf(c, self, m), (long) v);
    }

    /** @return the field's value @param c the cell field @param self the object, null if static @param m the field */
    public static char readChar(Cell c, Object self, FieldMeta m) {
        return readChar(current(), c, self, m);
    }

    /** @return the field's value @param txn the current thread's transaction @param c the cell field @param self the object, null if static @param m the field */
    public static char readChar(Object txn, Cell c, Object self, FieldMeta m) {
        long bits = readBits(txn, cellOf(c, self, m));
        return (char) bits;
    }

    /** Writes the field. @param c the cell field @param self the object, null if static @param m the field @param v the value */
    public static void writeChar(Cell c, Object self, FieldMeta m, char v) {
        writeChar(current(), c, self, m, v);
    }

    /** Writes the field. @param txn the current thread's transaction @param c the cell field @param self the object, null if static @param m the field @param v the value */
    public static void writeChar(Object txn, Cell c, Object self, FieldMeta m, char v) {
        writeBits(txn, cellOf(c, self, m), (long) v);
    }

    /** @return the field's value @param c the cell field @param self the object, null if static @param m the field */
    public static boolean readBoolean(Cell c, Object self, FieldMeta m) {
        return readBoolean(current(), c, self, m);
    }

    /** @return the field's value @param txn the current thread's transaction @param c the cell field @param self the object, null if static @param m the field */
    public static boolean readBoolean(Object txn, Cell c, Object self, FieldMeta m) {
        long bits = readBits(txn, cellOf(c, self, m));
        return bits != 0L;
    }

    /** Writes the field. @param c the cell field @param self the object, null if static @param m the field @param v the value */
    public static void writeBoolean(Cell c, Object self, FieldMeta m, boolean v) {
        writeBoolean(current(), c, self, m, v);
    }

    /** Writes the field. @param txn the current thread's transaction @param c the cell field @param self the object, null if static @param m the field @param v the value */
    public static void writeBoolean(Object txn, Cell c, Object self, FieldMeta m, boolean v) {
        writeBits(txn, cellOf(c, self, m), v ? 1L : 0L);
    }

    /** @return the field's value @param c the cell field @param self the object, null if static @param m the field */
    public static float readFloat(Cell c, Object self, FieldMeta m) {
        return readFloat(current(), c, self, m);
    }

    /** @return the field's value @param txn the current thread's transaction @param c the cell field @param self the object, null if static @param m the field */
    public static float readFloat(Object txn, Cell c, Object self, FieldMeta m) {
        long bits = readBits(txn, cellOf(c, self, m));
        return Float.intBitsToFloat((int) bits);
    }

    /** Writes the field. @param c the cell field @param self the object, null if static @param m the field @param v the value */
    public static void writeFloat(Cell c, Object self, FieldMeta m, float v) {
        writeFloat(current(), c, self, m, v);
    }

    /** Writes the field. @param txn the current thread's transaction @param c the cell field @param self the object, null if static @param m the field @param v the value */
    public static void writeFloat(Object txn, Cell c, Object self, FieldMeta m, float v) {
        writeBits(txn, cellOf(c, self, m), (long) Float.floatToRawIntBits(v));
    }

    /** @return the field's value @param c the cell field @param self the object, null if static @param m the field */
    public static double readDouble(Cell c, Object self, FieldMeta m) {
        return readDouble(current(), c, self, m);
    }

    /** @return the field's value @param txn the current thread's transaction @param c the cell field @param self the object, null if static @param m the field */
    public static double readDouble(Object txn, Cell c, Object self, FieldMeta m) {
        long bits = readBits(txn, cellOf(c, self, m));
        return Double.longBitsToDouble(bits);
    }

    /** Writes the field. @param c the cell field @param self the object, null if static @param m the field @param v the value */
    public static void writeDouble(Cell c, Object self, FieldMeta m, double v) {
        writeDouble(current(), c, self, m, v);
    }

    /** Writes the field. @param txn the current thread's transaction @param c the cell field @param self the object, null if static @param m the field @param v the value */
    public static void writeDouble(Object txn, Cell c, Object self, FieldMeta m, double v) {
        writeBits(txn, cellOf(c, self, m), Double.doubleToRawLongBits(v));
    }

    /**
     * What a rewritten {@code super.clone()} (an {@code Object.clone()} call) returns through: the
     * copy, made independent of the original's cells (see {@link FieldMeta#cloned}).
     *
     * @param copy what {@code Object.clone()} returned
     * @return {@code copy}
     */
    public static Object cloned(Object copy) {
        FieldMeta.cloned(copy);
        return copy;
    }

    /**
     * Called from the static initialiser of a class the agent found misusing the annotations.
     *
     * @param message what is wrong, naming the class and member
     */
    public static void misuse(String message) {
        throw new IllegalStateException(message);
    }

    /** The cell's current value as this thread sees it, boxed (for copies of objects). */
    static Object readBoxed(Cell c, Class<?> type) {
        Txn t = Txn.current();
        if (!type.isPrimitive()) {
            return t.depth > 0 ? t.readRef(c) : NonTxn.latestRef(c);
        }
        return unbits(readBits(t, c), type);
    }

    static long bits(Object boxed, Class<?> type) {
        if (type == long.class) {
            return (Long) boxed;
        } else if (type == int.class) {
            return (Integer) boxed;
        } else if (type == short.class) {
            return (Short) boxed;
        } else if (type == byte.class) {
            return (Byte) boxed;
        } else if (type == char.class) {
            return (Character) boxed;
        } else if (type == boolean.class) {
            return (Boolean) boxed ? 1L : 0L;
        } else if (type == float.class) {
            return Float.floatToRawIntBits((Float) boxed);
        } else if (type == double.class) {
            return Double.doubleToRawLongBits((Double) boxed);
        }
        throw new IllegalArgumentException("not a primitive type: " + type);
    }

    static Object unbits(long bits, Class<?> type) {
        if (type == long.class) {
            return bits;
        } else if (type == int.class) {
            return (int) bits;
        } else if (type == short.class) {
            return (short) bits;
        } else if (type == byte.class) {
            return (byte) bits;
        } else if (type == char.class) {
            return (char) bits;
        } else if (type == boolean.class) {
            return bits != 0L;
        } else if (type == float.class) {
            return Float.intBitsToFloat((int) bits);
        } else if (type == double.class) {
            return Double.longBitsToDouble(bits);
        }
        throw new IllegalArgumentException("not a primitive type: " + type);
    }
}
