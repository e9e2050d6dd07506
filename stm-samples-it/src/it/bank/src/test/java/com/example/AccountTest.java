package com.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stm4j.Stm;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AccountTest {

    @Test
    void stm4jIsActive() {
        assertTrue(Stm.isAgentActive());
    }

    @Test
    void aFailedTransferRollsBack() {
        Account a = new Account(10);
        Account b = new Account(0);
        assertThrows(IllegalStateException.class, () -> Account.transfer(a, b, 16));
        assertEquals(10, a.balance());
        assertEquals(0, b.balance());
    }

    @Test
    void concurrentTransfersConserveTheTotalAndReadersSeeIt() throws Exception {
        Account[] accounts = {new Account(100), new Account(100), new Account(100)};
        long before = Account.COMMITTED.get();
        AtomicLong succeeded = new AtomicLong();
        AtomicLong badTotals = new AtomicLong();
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            boolean reader = t == 3;
            threads.add(new Thread(() -> {
                ThreadLocalRandom r = ThreadLocalRandom.current();
                for (int i = 0; i < 5_000; i++) {
                    if (reader) {
                        if (Account.total(accounts) != 300) {
                            badTotals.incrementAndGet();
                        }
                        continue;
                    }
                    int from = r.nextInt(3);
                    try {
                        Account.transfer(accounts[from], accounts[(from + 1) % 3], r.nextInt(1, 30));
                        succeeded.incrementAndGet();
                    } catch (IllegalStateException e) {
                        if (!"insufficient funds".equals(e.getMessage())) {
                            failures.add(e);
                            return;
                        }
                    }
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join(60_000);
            assertFalse(t.isAlive(), "a thread did not finish in 60 s");
        }
        assertTrue(failures.isEmpty(), () -> "failures: " + failures);
        assertEquals(300, Account.total(accounts));
        assertEquals(0, badTotals.get(), "totals a reader saw that were not 300");
        assertEquals(succeeded.get(), Account.COMMITTED.get() - before, "one after-commit hook per committed transfer");
    }
}
