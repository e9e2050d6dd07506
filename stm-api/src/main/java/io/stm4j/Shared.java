package io.stm4j;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a field whose every read and write goes through the transactional store.
 *
 * <p>The stm4j agent rewrites each {@code GETFIELD}, {@code PUTFIELD}, {@code GETSTATIC} and
 * {@code PUTSTATIC} on the field, in any class that touches it (the declaring class, subclasses,
 * nest mates, lambdas, other classes of the package), into a call to the transaction engine.
 * Inside a transaction the access is part of it; outside one, a read returns the latest committed
 * value and a write commits on its own as a one-field transaction. Writes in a constructor to the
 * new object's own fields initialise them directly.
 *
 * <p>Static or instance fields of any type and visibility may be annotated; {@code final} fields
 * may not (the agent reports the class and field).
 *
 * <p>Where it stops: reflection, {@code MethodHandle}/{@code VarHandle} access, {@code Unsafe}, JNI
 * and the <em>elements</em> of an array bypass the store; only the array reference itself is
 * transactional. Values are shared by reference, never copied: store immutable objects.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface Shared {
}
