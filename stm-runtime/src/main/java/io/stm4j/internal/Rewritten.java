package io.stm4j.internal;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The mark stm4j puts on every class it rewrites (at load time by the agent, or at build time by
 * weaving), so that a class woven at build time is not rewritten again by an agent that is also
 * attached. Kept in the class file only: nothing reads it at run time.
 *
 * <p>Not API: public for the agent.
 */
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface Rewritten {
}
