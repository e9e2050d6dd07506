package io.stm4j.it.fault;

/** The points of a transaction body where a {@link Script} can act. */
enum Point {
    /** First thing in the body: hooks registered, nothing read or written yet. */
    BEFORE_ANY_ACCESS,
    /** Both balances read, nothing written. */
    AFTER_READS,
    /** One balance written. */
    AFTER_SOME_WRITES,
    /** Both balances written. */
    AFTER_ALL_WRITES,
    /** Inside a nested transaction (which has written the journal). */
    IN_NESTED,
    /** Inside an {@code afterCommit} hook. */
    IN_AFTER_COMMIT,
    /** Inside an {@code afterRollback} hook. */
    IN_AFTER_ROLLBACK
}
