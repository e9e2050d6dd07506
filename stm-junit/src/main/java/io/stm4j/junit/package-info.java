/**
 * stm-junit: tests of code that uses {@code @Atomic} and {@code @Shared} without {@code -javaagent}
 * on the test JVM's command line. Declare {@code io.stm4j:stm-junit} with {@code <scope>test</scope>};
 * nothing else is needed. Its {@link io.stm4j.junit.StmAgentSessionListener}, registered through
 * {@link java.util.ServiceLoader}, attaches the stm4j agent when the JUnit Platform launcher session
 * opens, before discovery loads the test classes, and does nothing when the agent is already active
 * (an {@code argLine} with {@code -javaagent} keeps working). When the JVM does not allow attaching,
 * the session fails with one {@code stm4j:} message naming the fixes instead of running the tests
 * non-transactionally. On JDK 21+ the JVM prints its warning about a dynamically loaded agent unless
 * the test JVM runs with {@code -XX:+EnableDynamicAgentLoading}; see the listener for details.
 */
package io.stm4j.junit;
