package io.stm4j.examples;

import io.stm4j.Atomic;
import io.stm4j.Shared;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bank: tellers on several threads move money between accounts while an auditor keeps adding up
 * the balances. Run once with stm4j ({@code @Shared} balances, an {@code @Atomic} transfer) and
 * once with the same code on plain, unsynchronised fields: the STM bank's total never moves and
 * every audit sees it exact; the plain bank's audits see money in flight, and lost updates change
 * its total for good.
 */
public final class BankExample {
    static final int ACCOUNTS = 8;
    static final long OPENING_BALANCE = 1_000;
    static final long TOTAL = ACCOUNTS * OPENING_BALANCE;
    static final int TELLERS = 4;
    static final int MAX_AMOUNT = 100;

    private BankExample() {
    }

    /**
     * A stand-in for the work real transfer code does between reading the balances and writing
     * them (limits, fees, fraud rules): a few hundred nanoseconds of arithmetic. In the plain bank
     * that is the window in which another teller's update gets lost.
     */
    static long riskCheck(int from, int to, long amount) {
        long h = amount * 0x9E3779B97F4A7C15L + from * 31L + to;
        for (int i = 0; i < 200; i++) {
            h ^= h << 13;
            h ^= h >>> 7;
            h ^= h << 17;
        }
        return h & 1;
    }

    // ------------------------------------------------------------------ the stm4j bank

    /** An account whose balance lives in the transactional store. */
    static final class Account {
        @Shared
        long balance;

        Account(long opening) {
            balance = opening; // a constructor initialises its own @Shared fields directly
        }
    }

    /** What one teller thread did. Plain fields: each teller is used by one thread only. */
    static final class Teller {
        final String name;
        long transfers;
        long moved;
        long refused;
        /** Runs of the transfer body, counted inside it: rolled-back attempts are counted too. */
        long bodyRuns;
        /** Transfers that had to be re-run at least once because another commit conflicted. */
        long conflicted;
        /** The teller's own record of what it moved: the change it made to each account. */
        final long[] ledger = new long[ACCOUNTS];
        /** What {@link #riskCheck} computed, summed (so that the computation is not optimised away). */
        long riskScore;

        Teller(String name) {
            this.name = name;
        }

        long retries() {
            return bodyRuns - transfers;
        }
    }

    /** A bank's operations, so that both banks run the very same workload. */
    interface Bank {
        boolean transfer(Teller teller, int from, int to, long amount);

        long total();

        long lowestBalance();

        long balance(int account);
    }

    /** The stm4j bank: the same code as {@link PlainBank}, plus the annotations. */
    static final class StmBank implements Bank {
        final Account[] accounts = new Account[ACCOUNTS];

        StmBank() {
            for (int i = 0; i < ACCOUNTS; i++) {
                accounts[i] = new Account(OPENING_BALANCE);
            }
        }

        /** Moves money if there is enough; re-run automatically when a concurrent transfer conflicts. */
        @Atomic
        @Override
        public boolean transfer(Teller teller, int from, int to, long amount) {
            teller.bodyRuns++; // not @Shared, so not rolled back: it counts every attempt
            Account a = accounts[from];
            Account b = accounts[to];
            long fromBalance = a.balance;
            long toBalance = b.balance;
            if (fromBalance < amount) {
                return false;
            }
            teller.riskScore += riskCheck(from, to, amount);
            a.balance = fromBalance - amount;
            b.balance = toBalance + amount;
            return true;
        }

        /** One consistent snapshot of all balances; read-only, so it never holds the tellers up. */
        @Atomic(readOnly = true)
        @Override
        public long total() {
            long sum = 0;
            for (Account a : accounts) {
                sum += a.balance;
            }
            return sum;
        }

        @Atomic(readOnly = true)
        @Override
        public long lowestBalance() {
            long min = Long.MAX_VALUE;
            for (Account a : accounts) {
                min = Math.min(min, a.balance);
            }
            return min;
        }

        @Override
        public long balance(int account) {
            return accounts[account].balance;
        }
    }

    // ------------------------------------------------------------------ the plain bank

    /** An account on a plain field. */
    static final class PlainAccount {
        long balance;

        PlainAccount(long opening) {
            balance = opening;
        }
    }

    /** The same bank on plain fields and no synchronisation: what stm4j exists to prevent. */
    static final class PlainBank implements Bank {
        final PlainAccount[] accounts = new PlainAccount[ACCOUNTS];

        PlainBank() {
            for (int i = 0; i < ACCOUNTS; i++) {
                accounts[i] = new PlainAccount(OPENING_BALANCE);
            }
        }

        @Override
        public boolean transfer(Teller teller, int from, int to, long amount) {
            teller.bodyRuns++;
            PlainAccount a = accounts[from];
            PlainAccount b = accounts[to];
            long fromBalance = a.balance;
            long toBalance = b.balance;
            if (fromBalance < amount) {
                return false;
            }
            teller.riskScore += riskCheck(from, to, amount);
            a.balance = fromBalance - amount;
            b.balance = toBalance + amount;
            return true;
        }

        @Override
        public long total() {
            long sum = 0;
            for (PlainAccount a : accounts) {
                sum += a.balance;
            }
            return sum;
        }

        @Override
        public long lowestBalance() {
            long min = Long.MAX_VALUE;
            for (PlainAccount a : accounts) {
                min = Math.min(min, a.balance);
            }
            return min;
        }

        @Override
        public long balance(int account) {
            return accounts[account].balance;
        }
    }

    // ------------------------------------------------------------------ the run

    /** What one bank's run showed. */
    record Run(String bank, List<Teller> tellers, long audits, long wrongAudits, long finalTotal,
               long minimumBalance, long[] balances, long nanos, boolean finished) {
        long sum(java.util.function.ToLongFunction<Teller> f) {
            return tellers.stream().mapToLong(f).sum();
        }

        /** What the tellers' ledgers say account {@code i} must hold. */
        long expected(int i) {
            return OPENING_BALANCE + tellers.stream().mapToLong(t -> t.ledger[i]).sum();
        }

        /** Balances that differ from what the tellers did to them: lost updates. */
        long wrongBalances() {
            return java.util.stream.IntStream.range(0, ACCOUNTS).filter(i -> balances[i] != expected(i)).count();
        }

        /** The money those differences add up to. */
        long misplaced() {
            return java.util.stream.IntStream.range(0, ACCOUNTS).mapToLong(i -> Math.abs(balances[i] - expected(i)))
                    .sum();
        }
    }

    /** The two runs side by side. */
    record Report(Run stm, Run plain) {
        /** The promise stm4j makes: the total never changes and every audit sees it exact. */
        boolean stmConserved() {
            return stm.finished && stm.finalTotal == TOTAL && stm.wrongAudits == 0 && stm.minimumBalance >= 0
                    && stm.wrongBalances() == 0
                    && stm.sum(t -> t.moved + t.refused) == stm.sum(t -> t.transfers);
        }
    }

    /**
     * Runs the example.
     *
     * @param transfersPerTeller how many transfers each of the {@value #TELLERS} tellers makes
     * @param out where to print
     * @return both runs
     */
    static Report run(int transfersPerTeller, PrintStream out) throws InterruptedException {
        out.printf("%d accounts of %s each (%s in the bank); %d tellers on %d threads each make %s transfers%n"
                        + "of 1..%d between random accounts, refused when the balance is too low, while an auditor%n"
                        + "keeps adding up all balances. A transfer reads both balances, runs a short risk check,%n"
                        + "then writes them back. The same workload runs twice:%n"
                        + "  stm4j: Account.balance is @Shared and transfer(..) is @Atomic%n"
                        + "  plain: the same code on plain long fields, no synchronisation%n%n",
                ACCOUNTS, Table.n(OPENING_BALANCE), Table.n(TOTAL), TELLERS, TELLERS, Table.n(transfersPerTeller),
                MAX_AMOUNT);

        Run stm = runBank("stm4j", new StmBank(), transfersPerTeller, out);
        Run plain = runBank("plain", new PlainBank(), transfersPerTeller, out);

        Report report = new Report(stm, plain);
        printSummary(report, out);
        return report;
    }

    private static Run runBank(String name, Bank bank, int transfersPerTeller, PrintStream out)
            throws InterruptedException {
        List<Teller> tellers = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        AtomicLong done = new AtomicLong();
        java.util.concurrent.CountDownLatch startGate = new java.util.concurrent.CountDownLatch(1);
        for (int i = 0; i < TELLERS; i++) {
            Teller teller = new Teller(name + " teller " + (i + 1));
            tellers.add(teller);
            SplittableRandom random = new SplittableRandom(42 + i);
            threads.add(new Thread(() -> {
                awaitQuietly(startGate); // all tellers start together
                for (int n = 0; n < transfersPerTeller; n++) {
                    int from = random.nextInt(ACCOUNTS);
                    int to = (from + 1 + random.nextInt(ACCOUNTS - 1)) % ACCOUNTS;
                    long amount = 1 + random.nextInt(MAX_AMOUNT);
                    long before = teller.bodyRuns;
                    if (bank.transfer(teller, from, to, amount)) {
                        teller.moved++;
                        teller.ledger[from] -= amount;
                        teller.ledger[to] += amount;
                    } else {
                        teller.refused++;
                    }
                    teller.transfers++;
                    if (teller.bodyRuns - before > 1) {
                        teller.conflicted++;
                    }
                    if ((n & 1023) == 1023) {
                        done.addAndGet(1024);
                    }
                }
            }, teller.name));
        }
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong audits = new AtomicLong();
        AtomicLong wrongAudits = new AtomicLong();
        Thread auditor = new Thread(() -> {
            // at least one audit, however soon the tellers finish
            do {
                if (bank.total() != TOTAL) {
                    wrongAudits.incrementAndGet();
                }
                audits.incrementAndGet();
            } while (!stop.get());
        }, name + " auditor");

        long total = (long) TELLERS * transfersPerTeller;
        long start = System.nanoTime();
        boolean finished;
        try (Progress p = Progress.everySecond(out, name, () -> Progress.bar(done.get(), total) + "  "
                + Table.n(done.get()) + " transfers, " + Table.n(audits.get()) + " audits")) {
            auditor.start();
            threads.forEach(Thread::start);
            startGate.countDown();
            finished = joinAll(threads, TimeUnit.MINUTES.toNanos(5));
            stop.set(true);
            auditor.join(TimeUnit.SECONDS.toMillis(30));
        }
        long nanos = System.nanoTime() - start;
        finished &= !auditor.isAlive();
        // the threads have ended (join): their plain counters are visible here
        long[] balances = new long[ACCOUNTS];
        for (int i = 0; i < ACCOUNTS; i++) {
            balances[i] = bank.balance(i);
        }
        return new Run(name, tellers, audits.get(), wrongAudits.get(), bank.total(), bank.lowestBalance(), balances,
                nanos, finished);
    }

    private static void awaitQuietly(java.util.concurrent.CountDownLatch gate) {
        try {
            gate.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static boolean joinAll(List<Thread> threads, long timeoutNanos) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        for (Thread t : threads) {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        }
        return threads.stream().noneMatch(Thread::isAlive);
    }

    private static void printSummary(Report r, PrintStream out) {
        Run s = r.stm;
        Run p = r.plain;
        new Table("", "stm4j", "plain fields")
                .row("transfers made", s.sum(t -> t.transfers), p.sum(t -> t.transfers))
                .row("  money moved", s.sum(t -> t.moved), p.sum(t -> t.moved))
                .row("  refused (balance too low)", s.sum(t -> t.refused), p.sum(t -> t.refused))
                .row("commits (one per transfer)", s.sum(t -> t.transfers), "-")
                .row("retries (bodies re-run)", s.sum(Teller::retries), "-")
                .row("transfers that conflicted", s.sum(t -> t.conflicted), "-")
                .row("audits", s.audits, p.audits)
                .row("audits that saw a wrong total", s.wrongAudits, p.wrongAudits)
                .row("lowest balance at the end", s.minimumBalance, p.minimumBalance)
                .row("balances that disagree with the tellers' ledgers", s.wrongBalances() + " of " + ACCOUNTS,
                        p.wrongBalances() + " of " + ACCOUNTS)
                .row("  money misplaced by lost updates", s.misplaced(), p.misplaced())
                .rule()
                .row("total at the end (was " + Table.n(TOTAL) + ")", s.finalTotal, p.finalTotal)
                .row("money lost (-) or made (+)", signed(s.finalTotal - TOTAL), signed(p.finalTotal - TOTAL))
                .row("time", Table.seconds(s.nanos), Table.seconds(p.nanos))
                .print(out);
        out.println();
        if (r.stmConserved()) {
            out.printf("stm4j: total conserved: %s == %s; every balance matches the tellers' ledgers, and every one%n"
                    + "       of %s audits saw exactly %s.%n",
                    Table.n(s.finalTotal), Table.n(TOTAL), Table.n(s.audits), Table.n(TOTAL));
        } else {
            out.printf("stm4j: BROKEN: total %s (expected %s), %d balances wrong, %s wrong audits, lowest balance %s%s%n",
                    Table.n(s.finalTotal), Table.n(TOTAL), s.wrongBalances(), Table.n(s.wrongAudits),
                    Table.n(s.minimumBalance), s.finished ? "" : ", threads did not finish");
        }
        if (p.misplaced() > 0 || p.finalTotal != TOTAL) {
            out.printf("plain: lost updates misplaced %s (%d of %d balances disagree with what the tellers did); the%n"
                            + "       total is now %s (%s), and %s of %s audits saw money in flight.%n",
                    Table.n(p.misplaced()), p.wrongBalances(), ACCOUNTS, Table.n(p.finalTotal),
                    signed(p.finalTotal - TOTAL), Table.n(p.wrongAudits), Table.n(p.audits));
        } else {
            out.printf("plain: no update was lost this time, but %s of %s audits saw a wrong total (run it again,%n"
                            + "       or with a bigger size, to see it lose money).%n",
                    Table.n(p.wrongAudits), Table.n(p.audits));
        }
    }

    private static String signed(long v) {
        return v == 0 ? "0" : (v > 0 ? "+" : "-") + Table.n(Math.abs(v));
    }
}
