package io.stm4j.it.fault;

/**
 * What kills a thread mid-body now that {@code Thread.stop} no longer works (JDK 20+): an Error
 * that nothing catches, as ThreadDeath was.
 */
final class Killed extends Error {
    private static final long serialVersionUID = 1L;

    Killed(String message) {
        super(message);
    }
}
