package io.stm4j.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.UndeclaredThrowableException;
import java.util.List;

/**
 * The declared field behind one {@code @Shared} field, as {@link FieldMeta#publish} writes it at
 * each commit: read what it holds, then write the committed value.
 *
 * <p>One hidden class per field, defined from the bytes of {@link ConstantDeclaredField} with the
 * field's two method handles as its class data. Its static finals make the handles constants, so
 * the JIT inlines them into plain field accesses: a commit pays two field accesses, not two
 * indirect method handle calls (a handle kept in an instance field is not a constant).
 */
abstract class DeclaredField {
    /** The template's class file, read once. */
    private static final class Template {
        static final byte[] BYTES = read();

        private Template() {
        }

        private static byte[] read() {
            String name = ConstantDeclaredField.class.getSimpleName() + ".class";
            try (InputStream in = DeclaredField.class.getResourceAsStream(name)) {
                if (in == null) {
                    throw new IllegalStateException("stm4j: the runtime's class file " + name
                            + " is not readable as a resource of its class loader");
                }
                return in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException("stm4j: cannot read the runtime's class file " + name, e);
            }
        }
    }

    DeclaredField() {
    }

    /**
     * @param get the field's opaque read, {@code (Object) -> long} (a primitive's bits) or
     *            {@code (Object) -> Object}
     * @param set its opaque write, {@code (Object, long) -> void} or {@code (Object, Object) -> void}
     * @return an accessor with both handles as constants
     */
    static DeclaredField of(MethodHandle get, MethodHandle set) {
        try {
            MethodHandles.Lookup hidden = MethodHandles.lookup()
                    .defineHiddenClassWithClassData(Template.BYTES, List.of(get, set), true);
            return (DeclaredField) hidden.findConstructor(hidden.lookupClass(), MethodType.methodType(void.class))
                    .invoke();
        } catch (Throwable e) {
            throw unchecked(e);
        }
    }

    /** Writes {@code bits} into a primitive field of {@code self}; @return the bits it held before. */
    abstract long exchangeBits(Object self, long bits);

    /** Writes {@code ref} into a reference field of {@code self}; @return the reference it held before. */
    abstract Object exchangeRef(Object self, Object ref);

    /** A field access declares nothing checked: anything a handle throws is unchecked. */
    static RuntimeException unchecked(Throwable e) {
        if (e instanceof RuntimeException) {
            return (RuntimeException) e;
        }
        if (e instanceof Error) {
            throw (Error) e;
        }
        return new UndeclaredThrowableException(e);
    }
}
