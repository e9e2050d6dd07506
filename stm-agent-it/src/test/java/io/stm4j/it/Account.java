package io.stm4j.it;

import io.stm4j.Atomic;
import io.stm4j.Shared;

/** A plain business class: a balance and atomic operations on it. */
public class Account {
    @Shared
    private long balance;
    @Shared
    String owner;
    @Shared
    protected int interestBps;
    @Shared
    static long opened;

    public Account(long initial) {
        this.balance = initial; // rule 6: initialised directly
        this.owner = "nobody";
        opened++;
    }

    /** A nest mate: reads and writes the outer class's private field directly. */
    public final class Auditor {
        public long seen() {
            return balance;
        }

        public void force(long value) {
            balance = value;
        }
    }

    /** Writes the private field from a lambda body. */
    public Runnable setter(long value) {
        return () -> balance = value;
    }

    public long balance() {
        return balance;
    }

    @Atomic
    public void deposit(long amount) {
        balance = balance + amount;
    }

    @Atomic
    public void withdraw(long amount) {
        if (amount > balance) {
            throw new IllegalStateException("insufficient funds: " + balance + " < " + amount);
        }
        balance -= amount;
    }

    @Atomic
    public static void transfer(Account from, Account to, long amount) {
        from.withdraw(amount);
        to.deposit(amount);
    }
}
