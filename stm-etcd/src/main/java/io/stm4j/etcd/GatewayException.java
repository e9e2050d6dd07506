package io.stm4j.etcd;

/**
 * A request to etcd's JSON gateway that did not get a usable answer, and what that means for a
 * request that writes: whether it may have been applied.
 */
final class GatewayException extends Exception {
    private static final long serialVersionUID = 1L;

    enum Kind {
        /** Never reached a member, or refused before it was proposed (no leader, too many requests): not applied. */
        NOT_SENT,
        /** Sent, and no answer came (timeout, dropped connection, or an error that does not say): may have been applied. */
        UNANSWERED,
        /** The revision asked for has been compacted away. */
        COMPACTED,
        /** The request itself is wrong (too many operations, a bad argument): not applied. */
        REJECTED,
        /** The thread was interrupted (its flag is set again); {@link #sent} says whether the request may have gone out. */
        INTERRUPTED
    }

    final Kind kind;
    /** For {@link Kind#INTERRUPTED}: whether the request may have reached a member. */
    final boolean sent;

    GatewayException(Kind kind, String message, Throwable cause) {
        this(kind, message, cause, kind == Kind.UNANSWERED);
    }

    GatewayException(Kind kind, String message, Throwable cause, boolean sent) {
        super(message, cause);
        this.kind = kind;
        this.sent = sent;
    }

    /** The exception a caller throws for {@link Kind#INTERRUPTED}: the contract's, with the interrupt as its cause. */
    io.stm4j.StmException interrupted(String doing) {
        return new io.stm4j.StmException("interrupted while " + doing + " (" + getMessage() + ")",
                getCause() instanceof InterruptedException ? getCause() : new InterruptedException());
    }

    /** @return whether a write that failed this way may still have been applied */
    boolean mayHaveApplied() {
        return sent;
    }
}
