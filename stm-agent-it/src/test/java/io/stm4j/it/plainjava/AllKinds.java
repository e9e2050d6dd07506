package io.stm4j.it.plainjava;

import io.stm4j.Atomic;
import io.stm4j.Shared;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

/** One @Shared field of every kind, instance and static, with extreme values to write. */
public class AllKinds {
    @Shared boolean z;
    @Shared byte b;
    @Shared char c;
    @Shared short s;
    @Shared int i;
    @Shared long j;
    @Shared float f;
    @Shared double d;
    @Shared Object ref;
    @Shared static long staticLong;
    @Shared static char staticChar;

    /** Writes values whose bits test sign and zero extension, NaN and negative zero; each field on its own. */
    public void setAll(int n) {
        z = n % 2 == 0;
        b = (byte) (-n - 100);
        c = (char) (0xFFF0 + n);
        s = (short) (-30_000 - n);
        i = Integer.MIN_VALUE + n;
        j = Long.MIN_VALUE + n;
        f = n % 3 == 0 ? Float.NaN : n % 3 == 1 ? -0.0f : -n - 0.5f;
        d = n % 3 == 0 ? -0.0 : n % 3 == 1 ? Double.NaN : -n - 0.25;
        ref = "r" + n;
        staticLong = -n;
        staticChar = (char) (0xFFFF - n);
    }

    /** The same, in one transaction. */
    @Atomic
    public void setAllAtomically(int n) {
        setAll(n);
    }

    /** The fields as rewritten code reads them. */
    public List<Object> values() {
        return List.of(z, b, c, s, i, j, f, d, ref, staticLong, staticChar);
    }

    /** The declared fields as reflection reads them, in the same order. */
    public List<Object> reflectively() throws IllegalAccessException {
        List<Object> out = new ArrayList<>();
        for (Field field : AllKinds.class.getDeclaredFields()) {
            if (!field.isSynthetic() && field.isAnnotationPresent(Shared.class)) {
                field.setAccessible(true);
                out.add(field.get(Modifier.isStatic(field.getModifiers()) ? null : this));
            }
        }
        return out;
    }
}
