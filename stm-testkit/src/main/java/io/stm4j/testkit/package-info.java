/**
 * Test fixtures for stm4j: the shared helpers of stm4j's own suites, public so that tests of
 * code built on stm4j can use them too (the model is Caffeine's {@code testFixtures}).
 *
 * <p><b>Test scope only.</b> Declare the artifact with {@code <scope>test</scope>}; it depends on
 * JUnit Jupiter's API at compile scope and reaches into the engine's package
 * ({@link EngineAudit}), neither of which an application should ship.
 *
 * <ul>
 *   <li>{@link io.stm4j.testkit.Workers}: worker threads started together, bounded, always joined;</li>
 *   <li>{@link io.stm4j.testkit.ThreadKind}: platform threads, and virtual threads on JDK 21+;</li>
 *   <li>{@link io.stm4j.testkit.Stress}: the {@code stm4j.stress.*} knobs, rounds and timeouts;</li>
 *   <li>{@link io.stm4j.testkit.OtherThread}: runs an action on another thread and waits for it,
 *       to force conflicts; runs a body on a fresh thread, bounded;</li>
 *   <li>{@link io.stm4j.testkit.EngineQuiescence}: a JUnit 5 extension that fails a test leaving
 *       a cell locked, the priority gate held, a {@code Stm.retry()} waiter, or its thread inside
 *       a transaction;</li>
 *   <li>{@link EngineAudit}: the checks behind it, callable by hand.</li>
 * </ul>
 */
package io.stm4j.testkit;
