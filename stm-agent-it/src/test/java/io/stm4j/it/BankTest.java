package io.stm4j.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.stm4j.Atomic;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The core bank invariant, written as a user would: plain accounts, @Shared balances, @Atomic methods. */
class BankTest {
    private static final int SCALE = Integer.getInteger("stm4j.stress.scale", 1);
    private static final int ACCOUNTS = 64;
    private static final long INITIAL = 1_000;

    static final class Bank {
        final Account[] accounts = new Account[ACCOUNTS];

        Bank() {
            for (int i = 0; i < ACCOUNTS; i++) {
                accounts[i] = new Account(INITIAL);
            }
        }

        @Atomic
        void move(int from, int to, long amount) {
            accounts[from].withdraw(amount);
            accounts[to].deposit(amount);
        }

        @Atomic(readOnly = true)
        long audit() {
            long sum = 0;
            for (Account a : accounts) {
                sum += a.balance();
            }
            return sum;
        }
    }

    @Test
    void totalIsConservedUnderFourThreads() throws Exception {
        Bank bank = new Bank();
        int transfers = 50_000 * SCALE;
        AtomicLong refused = new AtomicLong();
        AtomicLong audits = new AtomicLong();
        AtomicLong violations = new AtomicLong();
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            threads.add(new Thread(() -> {
                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                for (int n = 0; n < transfers; n++) {
                    int from = rnd.nextInt(ACCOUNTS);
                    int to = (from + 1 + rnd.nextInt(ACCOUNTS - 1)) % ACCOUNTS;
                    try {
                        bank.move(from, to, 1 + rnd.nextInt(300));
                    } catch (IllegalStateException insufficient) {
                        refused.incrementAndGet(); // rolled back: nothing moved
                    }
                }
            }));
        }
        Thread auditor = new Thread(() -> {
            while (!done.get()) {
                if (bank.audit() != ACCOUNTS * INITIAL) {
                    violations.incrementAndGet();
                }
                audits.incrementAndGet();
            }
        });
        for (Thread t : threads) {
            t.setUncaughtExceptionHandler((th, e) -> failure.set(e));
            t.start();
        }
        auditor.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        for (Thread t : threads) {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        }
        done.set(true);
        auditor.join(30_000);
        assertThat(threads).noneMatch(Thread::isAlive);
        assertThat(auditor.isAlive()).isFalse();
        assertThat(failure.get()).isNull();
        assertThat(bank.audit()).isEqualTo(ACCOUNTS * INITIAL);
        long sum = 0;
        for (Account a : bank.accounts) {
            assertThat(a.balance()).isNotNegative();
            sum += a.balance();
        }
        assertThat(sum).isEqualTo(ACCOUNTS * INITIAL);
        assertThat(violations.get()).as("audits seeing a wrong total, of %d", audits.get()).isZero();
        assertThat(audits.get()).isPositive();
    }
}
