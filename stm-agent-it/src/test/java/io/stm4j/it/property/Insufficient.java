package io.stm4j.it.property;

/** A withdrawal that would make a balance negative: thrown after the write, so there is something to undo. */
final class Insufficient extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Insufficient(String what) {
        super(what, null, false, false);
    }
}
