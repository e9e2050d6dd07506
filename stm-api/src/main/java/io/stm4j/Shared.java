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
 * <p>The declared field itself always holds the latest committed value (each commit writes it
 * too), so whatever reads fields by reflection (serialization, JSON mappers, debuggers) sees
 * committed state, never a transaction's uncommitted writes. {@code super.clone()} copies the
 * values the cloning code sees, into a copy that is independent from then on.
 *
 * <p>Where it stops: <em>writes</em> by reflection, {@code MethodHandle}/{@code VarHandle} access,
 * {@code Unsafe} or JNI, and the <em>elements</em> of an array, bypass the store; only the array
 * reference itself is transactional. A bypassing write into an object already used transactionally
 * is lost at the field's next commit, which reports it once per field. Values are shared by
 * reference, never copied: store immutable objects.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface Shared {
}
