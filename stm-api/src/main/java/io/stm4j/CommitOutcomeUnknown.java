package io.stm4j;

/**
 * A commit whose outcome could not be learnt: it was sent to a store kept by another system (an
 * etcd cluster, {@code io.stm4j.etcd.EtcdStore}), the answer did not come, and the store could not
 * find out afterwards whether it was applied (no quorum within the request timeout).
 *
 * <p>The commit may have been applied, or may not; it will never be applied later than the moment
 * this is thrown only where the store says so (see its documentation). The runtime never re-runs a
 * transaction's body on its own while its first commit might still apply: it either resolves the
 * outcome (committed, or provably not) or throws this, and nothing the transaction wrote in memory
 * is published. Neither {@code afterCommit} nor {@code afterRollback} hooks run. The caller decides
 * what to do: read the store again once it answers, and compare.
 */
public class CommitOutcomeUnknown extends StmException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what was being committed and why its outcome is unknown
     * @param cause the failure that left it unknown (a timeout, a lost connection), may be null
     */
    public CommitOutcomeUnknown(String message, Throwable cause) {
        super(message, cause);
    }
}
