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
        REJECTED
    }

    final Kind kind;

    GatewayException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    /** @return whether a write that failed this way may still have been applied */
    boolean mayHaveApplied() {
        return kind == Kind.UNANSWERED;
    }
}
