package io.stm4j.internal;

import java.lang.constant.ConstantDescs;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;

/**
 * The template of {@link DeclaredField}'s hidden classes: never loaded under this name, only its
 * bytes are used, once per {@code @Shared} field, with that field's handles as class data.
 */
final class ConstantDeclaredField extends DeclaredField {
    private static final MethodHandle GET;
    private static final MethodHandle SET;

    static {
        try {
            MethodHandles.Lookup self = MethodHandles.lookup();
            GET = MethodHandles.classDataAt(self, ConstantDescs.DEFAULT_NAME, MethodHandle.class, 0);
            SET = MethodHandles.classDataAt(self, ConstantDescs.DEFAULT_NAME, MethodHandle.class, 1);
        } catch (IllegalAccessException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    ConstantDeclaredField() {
    }

    @Override
    long exchangeBits(Object self, long bits) {
        try {
            long was = (long) GET.invokeExact(self);
            SET.invokeExact(self, bits);
            return was;
        } catch (Throwable e) {
            throw unchecked(e);
        }
    }

    @Override
    Object exchangeRef(Object self, Object ref) {
        try {
            Object was = (Object) GET.invokeExact(self);
            SET.invokeExact(self, ref);
            return was;
        } catch (Throwable e) {
            throw unchecked(e);
        }
    }
}
