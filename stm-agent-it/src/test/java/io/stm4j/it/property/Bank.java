package io.stm4j.it.property;

import io.stm4j.it.support.Api;

/**
 * A bank of accounts, written twice: with the explicit store API ({@link StoreBank}) and with
 * annotated classes ({@link SharedBank}). Every operation is one transaction and nests when called
 * inside another. A transfer is composed of the bank's own {@link #deposit} and {@link #withdraw}
 * operations, writes a poison value that it overwrites before the end (a dirty read would see it),
 * and counts itself in a counter of the caller's stripe.
 */
interface Bank {
    /** A value no committed state ever holds: seen only if an uncommitted write leaks. */
    long POISON = -1_000_000_000L;

    static Bank create(Api api, int accounts, long initial, int stripes) {
        return api == Api.STORE ? new StoreBank(accounts, initial, stripes) : new SharedBank(accounts, initial, stripes);
    }

    int size();

    /** @return account {@code i}'s balance: latest committed outside a transaction, the snapshot's inside */
    long balance(int i);

    /** Atomically adds {@code amount} to account {@code i}. */
    void deposit(int i, long amount);

    /** Atomically subtracts {@code amount}: writes first, then throws {@link Insufficient} if the result is negative. */
    void withdraw(int i, long amount);

    /**
     * Atomically deposits into {@code to}, writes {@link #POISON} into {@code from} and restores it,
     * withdraws from {@code from} (which may throw {@link Insufficient}, after the deposit) and
     * increments the counter of {@code stripe}.
     */
    void transfer(int stripe, int from, int to, long amount);

    /**
     * One transaction that reads every balance and every stripe counter and calls {@code check} in
     * every attempt, including attempts that are later rolled back. Read-write audits also write
     * the sum they saw, so they are validated at commit; read-only ones use the read-only path.
     *
     * @return the sum of the balances in the committed attempt
     */
    long audit(boolean readOnly, AuditCheck check);

    /** @return the counter of {@code stripe}, latest committed */
    long stripe(int stripe);

    /** Asserts that no cell of this bank is locked. @return how many cells were checked */
    int assertNoCellLocked();

    /** What an audit attempt saw. */
    interface AuditCheck {
        /**
         * @param sum sum of the balances
         * @param min smallest balance
         * @param transfers sum of the stripe counters
         */
        void seen(long sum, long min, long transfers);
    }
}
