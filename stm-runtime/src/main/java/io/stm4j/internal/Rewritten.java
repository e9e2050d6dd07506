package io.stm4j.internal;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The mark stm4j puts on every class it rewrites (at load time by the agent, or at build time by
 * weaving), so that a class woven at build time is not rewritten again by an agent that is also
 * attached; and so that the runtime, when an {@code @Atomic} method calls {@code Stm.retry()} or
 * {@code Stm.afterCommit} with no transaction running, can tell a class nothing rewrote.
 *
 * <p>Not API: public for the agent.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Rewritten {
}
