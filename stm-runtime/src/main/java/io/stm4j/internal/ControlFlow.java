package io.stm4j.internal;

/**
 * Stackless signals that unwind a transaction body back to the engine. They extend {@link Error}
 * so that a body's {@code catch (Exception e)} does not swallow them; if a body swallows one
 * anyway, the transaction stays doomed and the engine re-runs it. One instance of each, reused:
 * they carry no state, the transaction records why it stopped.
 */
final class ControlFlow extends Error {
    private static final long serialVersionUID = 1L;

    /** A conflict: discard the attempt and re-run the body. */
    static final ControlFlow CONFLICT = new ControlFlow("stm4j: transaction conflict (re-run by the engine)");
    /** {@code Stm.retry()}: discard the attempt, wait until something read changes, re-run. */
    static final ControlFlow RETRY = new ControlFlow("stm4j: Stm.retry() (re-run by the engine)");

    private ControlFlow(String message) {
        super(message, null, false, false);
    }
}
