package io.stm4j.it;

import io.stm4j.Shared;
import java.util.List;

/** One @Shared field of every kind, instance and static. */
class FieldTypes<T> {
    @Shared boolean z;
    @Shared byte b;
    @Shared char c;
    @Shared short s;
    @Shared int i;
    @Shared long j;
    @Shared float f;
    @Shared double d;
    @Shared String str;
    @Shared int[] array;
    @Shared List<T> list;
    @Shared T generic;
    @Shared static double staticDouble;
    @Shared static String staticString;

    void setAll(int n, T t) {
        z = n % 2 == 1;
        b = (byte) n;
        c = (char) ('a' + n);
        s = (short) (1000 + n);
        i = 100_000 + n;
        j = 10_000_000_000L + n;
        f = n + 0.5f;
        d = n + 0.25;
        str = "s" + n;
        array = new int[] {n};
        list = List.of(t);
        generic = t;
        staticDouble = -n;
        staticString = "static" + n;
    }

    String describe() {
        return z + "," + b + "," + c + "," + s + "," + i + "," + j + "," + f + "," + d + "," + str + ","
                + (array == null ? "null" : String.valueOf(array[0])) + "," + list + "," + generic + ","
                + staticDouble + "," + staticString;
    }
}
