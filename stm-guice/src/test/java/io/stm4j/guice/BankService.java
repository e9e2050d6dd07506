package io.stm4j.guice;

import io.stm4j.Atomic;
import io.stm4j.Stm;
import jakarta.inject.Inject;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A service as a user writes one: constructed by Guice (which subclasses it when an interceptor is
 * bound), its state in {@code @Shared} fields, its operations {@code @Atomic}, its side effect
 * deferred to {@link Stm#afterCommit}.
 */
class BankService {
    static final int ACCOUNTS = 16;
    static final long INITIAL = 1_000;

    private final Account[] accounts = new Account[ACCOUNTS];
    private final TransferLog log;
    /** Not shared: counts every run of the transfer body, the re-runs after conflicts included. */
    final AtomicLong bodyRuns = new AtomicLong();
    /** Test hook run in the middle of the body, before the writes; not shared. */
    volatile Runnable midway = () -> { };

    @Inject
    BankService(TransferLog log) {
        this.log = log;
        for (int i = 0; i < ACCOUNTS; i++) {
            accounts[i] = new Account(INITIAL);
        }
    }

    @Atomic
    public void transfer(int from, int to, long amount) {
        bodyRuns.incrementAndGet();
        Account a = accounts[from];
        Account b = accounts[to];
        if (a.balance < amount) {
            throw new IllegalStateException("insufficient funds in account " + from);
        }
        midway.run();
        a.balance -= amount;
        b.balance += amount;
        Stm.afterCommit(() -> log.transferred(from, to, amount));
    }

    @Atomic(readOnly = true)
    public long total() {
        long sum = 0;
        for (Account a : accounts) {
            sum += a.balance;
        }
        return sum;
    }

    /** Outside any transaction: a one-field transaction of its own. */
    public void depositDirectly(int to, long amount) {
        accounts[to].balance += amount;
    }

    public long balance(int i) {
        return accounts[i].balance;
    }
}
