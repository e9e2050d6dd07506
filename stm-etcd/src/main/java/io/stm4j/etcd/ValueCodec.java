package io.stm4j.etcd;

/**
 * How an {@link EtcdStore} turns values into the bytes etcd keeps, and back.
 *
 * <p>The default, {@link #json()}, writes a small JSON document that names the value's class, so
 * that every value comes back as the class it was stored as (an {@code Integer} as an
 * {@code Integer}). An application whose keys are also read by other programs, or that wants
 * another format, gives the store its own codec ({@link EtcdStore.Builder#codec}); every store of
 * a namespace should then use the same one.
 *
 * <p>Implementations must be thread-safe: a store calls them from every thread that uses it.
 */
public interface ValueCodec {

    /**
     * @param value the value to store, possibly null
     * @return its bytes
     * @throws IllegalArgumentException if this codec cannot store such a value; the message names
     *     the value's class. A store calls this when a value is set or staged, before anything is
     *     sent
     */
    byte[] encode(Object value);

    /**
     * @param bytes what {@link #encode} made (possibly in another process)
     * @return the value
     * @throws IllegalArgumentException if the bytes are not this codec's, or name a class that
     *     cannot be loaded here
     */
    Object decode(byte[] bytes);

    /**
     * The default codec: JSON through Jackson, each value with its class name. It round-trips
     * {@code null}, {@code String}, the boxed primitives, {@link java.math.BigDecimal} (with its
     * scale), {@link java.math.BigInteger}, {@code byte[]}, Java records and beans (a class with a
     * no-argument constructor and properties Jackson can write and read back: it checks that it
     * can read each one back when it writes it). Anything else — collections, maps, arrays other
     * than {@code byte[]}, enums, other JDK classes, a bean whose properties do not read back — is
     * an {@link IllegalArgumentException} naming the class: store an immutable record instead.
     *
     * <p>Classes are loaded by name when a value is read, through the thread's context class
     * loader (then this library's): only records and beans are ever instantiated that way, never
     * with polymorphic typing, so a value written by another program cannot make it build
     * arbitrary objects.
     *
     * @return the shared default codec
     */
    static ValueCodec json() {
        return JsonValueCodec.INSTANCE;
    }
}
