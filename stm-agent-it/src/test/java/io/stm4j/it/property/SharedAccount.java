package io.stm4j.it.property;

import io.stm4j.Atomic;
import io.stm4j.Shared;

/** An account with a {@code @Shared} balance and {@code @Atomic} operations that nest. */
final class SharedAccount {
    @Shared long balance;

    SharedAccount(long balance) {
        this.balance = balance;
    }

    @Atomic
    void deposit(long amount) {
        balance += amount;
    }

    @Atomic
    void withdraw(long amount) {
        balance -= amount;
        if (balance < 0) {
            throw new Insufficient("balance would be " + balance);
        }
    }
}
