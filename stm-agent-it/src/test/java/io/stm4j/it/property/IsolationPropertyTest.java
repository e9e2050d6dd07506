package io.stm4j.it.property;

import static org.assertj.core.api.Assertions.assertThat;

import io.stm4j.it.support.Flavor;
import io.stm4j.testkit.EngineQuiescence;
import io.stm4j.testkit.Stress;
import io.stm4j.testkit.ThreadKind;
import io.stm4j.testkit.Workers;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Isolation and opacity: no attempt of any transaction — committed or later rolled back,
 * read-only or read-write — observes a state that no serial order of committed transactions
 * produces. Writers move money between accounts (each transfer writes a poison value and restores
 * it, and may fail after writing); auditors sum every balance and stripe counter in one
 * transaction and record, in every attempt, a total other than the constant one (a torn or
 * inconsistent snapshot), a negative balance (a dirty read of the poison or of a failed transfer),
 * or a transfer count lower than one they saw before (a snapshot older than one already seen).
 * All three counts must be zero, the final total exact, and each stripe counter equal to the
 * transfers its writer saw succeed.
 */
@ExtendWith(EngineQuiescence.class)
class IsolationPropertyTest {
    /** Test invocations that share this property's time under -Pstress: methods times flavors. */
    private static final int INVOCATIONS = Flavor.all().size();
    private static final int ACCOUNTS = 32;
    private static final long INITIAL = 1_000;

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.stm4j.it.support.Flavor#all")
    void everyAttemptSeesOneConsistentSnapshot(Flavor flavor) throws Exception {
        Stress.rounds(INVOCATIONS, () -> everyAttemptSeesOneConsistentSnapshotRound(flavor));
    }

    private void everyAttemptSeesOneConsistentSnapshotRound(Flavor flavor) throws Exception {
        int auditors = Math.max(1, Stress.THREADS / 4);
        int writers = Stress.THREADS - auditors;
        int transfersEach = Math.max(1_000, 200_000 * Stress.SCALE / writers);
        Bank bank = Bank.create(flavor.api, ACCOUNTS, INITIAL, writers);
        long total = ACCOUNTS * INITIAL;
        long[] succeeded = new long[writers];
        AtomicLong refused = new AtomicLong();
        AtomicInteger writersLeft = new AtomicInteger(writers);
        AtomicLong audits = new AtomicLong();
        AtomicLong auditAttempts = new AtomicLong();
        AtomicLong torn = new AtomicLong();
        AtomicLong dirty = new AtomicLong();
        AtomicLong stale = new AtomicLong();
        long t0 = System.nanoTime();
        Workers w = Workers.of(flavor.kind, "isolation");
        w.add(writers, i -> {
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            try {
                for (int n = 0; n < transfersEach && !w.failed(); n++) {
                    int from = rnd.nextInt(ACCOUNTS);
                    int to = (from + 1 + rnd.nextInt(ACCOUNTS - 1)) % ACCOUNTS;
                    try {
                        bank.transfer(i, from, to, 1 + rnd.nextInt(400));
                        succeeded[i]++;
                    } catch (Insufficient e) {
                        refused.incrementAndGet();
                    }
                    ThreadKind.beFair();
                }
            } finally {
                writersLeft.decrementAndGet();
            }
        });
        w.add(auditors, i -> {
            long[] lastSeen = {0};
            long n = 0;
            do {
                boolean readOnly = (n++ & 1) == 0;
                bank.audit(readOnly, (sum, min, transfers) -> {
                    auditAttempts.incrementAndGet();
                    if (sum != total) {
                        torn.incrementAndGet();
                    }
                    if (min < 0) {
                        dirty.incrementAndGet();
                    }
                    if (transfers < lastSeen[0]) {
                        stale.incrementAndGet();
                    }
                    lastSeen[0] = transfers; // every attempt's snapshot is at least as new as the last
                });
                audits.incrementAndGet();
                ThreadKind.beFair();
            } while (writersLeft.get() > 0 && !w.failed());
        });
        w.run();
        long ms = (System.nanoTime() - t0) / 1_000_000;

        assertThat(torn.get()).as("audit attempts that saw a total other than %d", total).isZero();
        assertThat(dirty.get()).as("audit attempts that saw a negative (uncommitted) balance").isZero();
        assertThat(stale.get()).as("audit attempts that saw fewer transfers than an earlier attempt").isZero();
        assertThat(audits.get()).isPositive();
        long sum = 0;
        for (int a = 0; a < ACCOUNTS; a++) {
            assertThat(bank.balance(a)).as("balance %d", a).isNotNegative();
            sum += bank.balance(a);
        }
        assertThat(sum).as("total after all transfers").isEqualTo(total);
        for (int s = 0; s < writers; s++) {
            assertThat(bank.stripe(s)).as("transfers counted by writer %d", s).isEqualTo(succeeded[s]);
        }
        assertThat(bank.assertNoCellLocked()).isGreaterThanOrEqualTo(ACCOUNTS + writers);
        long txns = (long) writers * transfersEach + audits.get();
        Stress.report("property", "isolation", flavor, Stress.THREADS, txns, 0, ms,
                "refused=" + refused.get() + " audits=" + audits.get() + " auditAttempts=" + auditAttempts.get());
    }
}
