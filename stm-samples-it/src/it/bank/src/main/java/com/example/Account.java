package com.example;

import io.stm4j.Atomic;
import io.stm4j.Shared;
import io.stm4j.Stm;
import java.util.concurrent.atomic.AtomicLong;

/** The README's account, with a count of committed transfers kept by an after-commit hook. */
public class Account {
    /** Transfers that committed, counted once each, after their commit. */
    public static final AtomicLong COMMITTED = new AtomicLong();

    @Shared private long balance;

    public Account(long opening) {
        balance = opening;
    }

    public long balance() {
        return balance;
    }

    @Atomic
    public static void transfer(Account from, Account to, long amount) {
        from.balance -= amount;
        to.balance += amount;
        if (from.balance < 0) {
            throw new IllegalStateException("insufficient funds"); // rolls back both writes
        }
        Stm.afterCommit(COMMITTED::incrementAndGet);
    }

    @Atomic(readOnly = true)
    public static long total(Account... accounts) {
        long sum = 0;
        for (Account a : accounts) {
            sum += a.balance;
        }
        return sum;
    }
}
