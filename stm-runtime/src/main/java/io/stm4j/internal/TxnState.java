package io.stm4j.internal;

/**
 * The two fields of a transaction that code generated into {@code @Atomic} methods reads and
 * writes directly — without a call, because it must work when a call would overflow the stack.
 *
 * <p>When the call that ends a scope throws {@link StackOverflowError}, the scope may never have
 * been ended. The generated code then records that here, with field writes only: for the
 * outermost scope (level 1) it marks the transaction over ({@code depth = 0}; the next
 * transaction of the thread starts clean), for a nested one it lowers {@link #lostLevel} to the
 * scope's level and sets {@link #alert}. At its next operation on the transaction the engine unwinds that scope, if it
 * is still open, as if its body had thrown — before the enclosing body, which may have caught
 * the error, reads or writes again. A flag for a level that is no longer open (the end did
 * happen before the overflow) is dropped when the next scope is entered.
 *
 * <p>Not API: public only for agent-generated code.
 */
public abstract class TxnState {
    /** Scopes open on this thread: 0 outside a transaction, 1 in the outermost body, and so on. */
    public int depth;
    /** The outermost scope level whose end was lost to a stack overflow; {@link Integer#MAX_VALUE} if none. */
    public int lostLevel = Integer.MAX_VALUE;
    /**
     * Non-zero when the next read or write must look at the transaction's state before it goes
     * on: the attempt is doomed, it asked to retry, a scope's end was lost, or a read-only
     * transaction wants history of the cells it reads ({@code historyWanted}). One load on the
     * field-access path instead of one per condition; set together with {@link #lostLevel}.
     */
    public int alert;

    TxnState() {
    }
}
