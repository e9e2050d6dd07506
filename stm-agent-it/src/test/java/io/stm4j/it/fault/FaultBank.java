package io.stm4j.it.fault;

import io.stm4j.it.support.Api;

/**
 * A bank whose transfer runs a {@link Script} at every {@link Point} of its body, written with
 * each API. The body, in every attempt:
 *
 * <ol>
 *   <li>registers two {@code afterCommit} hooks (the first logs "commit-1" and acts at
 *       {@link Point#IN_AFTER_COMMIT}, the second logs "commit-2") and two {@code afterRollback}
 *       hooks ("rollback-1", acting at {@link Point#IN_AFTER_ROLLBACK}, then "rollback-2");</li>
 *   <li>{@link Point#BEFORE_ANY_ACCESS}; reads both balances; {@link Point#AFTER_READS};</li>
 *   <li>writes {@code from}; {@link Point#AFTER_SOME_WRITES}; writes {@code to};
 *       {@link Point#AFTER_ALL_WRITES};</li>
 *   <li>runs a nested transaction that registers an {@code afterRollback} hook
 *       ("nested-rollback"), adds one to the journal and acts at {@link Point#IN_NESTED}; if the
 *       script says so, catches what it throws, logs "inner-not-undone" if the journal still
 *       shows its write, and goes on.</li>
 * </ol>
 *
 * A committed transfer therefore moves {@code amount} and adds one to the journal (unless its
 * nested transaction failed and was caught); anything else must leave no trace.
 */
interface FaultBank {
    static FaultBank create(Api api, int accounts, long initial) {
        return api == Api.STORE ? new StoreFaultBank(accounts, initial) : new SharedFaultBank(accounts, initial);
    }

    /** The transfer described above, one transaction. */
    void transfer(int from, int to, long amount, Script script) throws Exception;

    int size();

    /** @return the balance of account {@code i}, latest committed */
    long balance(int i);

    /** @return how many transfers committed their nested transaction, latest committed */
    long journal();

    /** @return every balance and then the journal, read in one transaction */
    long[] snapshot();

    /** Bumps account {@code i}'s version without changing its value, outside any transaction. */
    void touch(int i);

    /** Asserts that no cell of this bank is locked. @return how many cells were checked */
    int assertNoCellLocked();
}
