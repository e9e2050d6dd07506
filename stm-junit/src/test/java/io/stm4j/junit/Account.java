package io.stm4j.junit;

import io.stm4j.Atomic;
import io.stm4j.Shared;

/** An annotated class as an application has it; no test class refers to it in a signature or field type. */
final class Account {
    @Shared private long balance;

    Account(long opening) {
        balance = opening;
    }

    long balance() {
        return balance;
    }

    /** Writes both balances first and checks afterwards, so only a rollback can undo a failed transfer. */
    @Atomic
    static void transfer(Account from, Account to, long amount) {
        from.balance -= amount;
        to.balance += amount;
        if (from.balance < 0) {
            throw new IllegalStateException("insufficient funds");
        }
    }

    @Atomic(readOnly = true)
    static long total(Account... accounts) {
        long sum = 0;
        for (Account a : accounts) {
            sum += a.balance;
        }
        return sum;
    }
}
