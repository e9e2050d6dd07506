package io.stm4j.it.property;

import static org.assertj.core.api.Assertions.assertThat;

import io.stm4j.it.support.Api;
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
 * Composability: operations written independently, each a transaction of its own, compose into one
 * transaction by being called inside another. Two independent banks (for the store API, two
 * separate stores) exchange money. A move withdraws from one bank and deposits into the other with
 * the banks' own nested operations, with an or-else: when the first withdrawal overdraws (after
 * writing), the outer transaction catches it, must see that withdrawal undone, and withdraws from
 * another account instead — which may overdraw too and fail the whole move. The annotated flavour
 * writes the move as an {@code @Atomic} method calling nested {@code @Atomic} methods and a
 * {@code Stm.atomic} block ({@link Mover#move}); the store flavour nests {@code Stm.atomic} blocks.
 * Other moves compose two whole transfers, one in each bank. Auditors sum both banks in one
 * transaction made of the banks' own audits. Asserted: no audit sees money in flight between the
 * banks, every caught inner failure was undone, and every balance and counter of both banks equals
 * the per-thread model of the moves that committed.
 */
@ExtendWith(EngineQuiescence.class)
class ComposabilityPropertyTest {
    /** Test invocations that share this property's time under -Pstress: methods times flavors. */
    private static final int INVOCATIONS = Flavor.all().size();
    private static final int ACCOUNTS = 8;
    private static final long INITIAL = 300;

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.stm4j.it.support.Flavor#all")
    void independentlyWrittenOperationsComposeAtomically(Flavor flavor) throws Exception {
        Stress.rounds(INVOCATIONS, () -> independentlyWrittenOperationsComposeAtomicallyRound(flavor));
    }

    private void independentlyWrittenOperationsComposeAtomicallyRound(Flavor flavor) throws Exception {
        int auditors = Math.max(1, Stress.THREADS / 4);
        int movers = Stress.THREADS - auditors;
        int opsEach = Math.max(1_000, 120_000 * Stress.SCALE / movers);
        Bank[] banks = {Bank.create(flavor.api, ACCOUNTS, INITIAL, movers), Bank.create(flavor.api, ACCOUNTS, INITIAL, movers)};
        long total = 2 * ACCOUNTS * INITIAL;
        long[][][] delta = new long[movers][2][ACCOUNTS];
        long[][] transfers = new long[movers][2];
        AtomicLong committed = new AtomicLong();
        AtomicLong failedMoves = new AtomicLong();
        AtomicLong fallbacks = new AtomicLong();
        AtomicLong innerNotUndone = new AtomicLong();
        AtomicLong inFlight = new AtomicLong();
        AtomicLong audits = new AtomicLong();
        AtomicInteger moversLeft = new AtomicInteger(movers);
        long t0 = System.nanoTime();
        Workers w = Workers.of(flavor.kind, "composability");
        w.add(movers, m -> {
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            try {
                for (int n = 0; n < opsEach && !w.failed(); n++) {
                    int src = rnd.nextInt(2);
                    int i = rnd.nextInt(ACCOUNTS);
                    int other = (i + 1 + rnd.nextInt(ACCOUNTS - 1)) % ACCOUNTS;
                    int j = rnd.nextInt(ACCOUNTS);
                    long amount = 1 + rnd.nextInt(250);
                    if (rnd.nextInt(4) == 0) {
                        // two whole transfers, one in each bank, as one transaction
                        try {
                            Atomically.run(flavor.api, () -> {
                                banks[0].transfer(m, i, other, amount);
                                banks[1].transfer(m, other, i, amount);
                                return null;
                            });
                        } catch (Insufficient e) {
                            failedMoves.incrementAndGet();
                            continue;
                        }
                        delta[m][0][i] -= amount;
                        delta[m][0][other] += amount;
                        delta[m][1][other] -= amount;
                        delta[m][1][i] += amount;
                        transfers[m][0]++;
                        transfers[m][1]++;
                    } else {
                        boolean fellBack;
                        try {
                            fellBack = flavor.api == Api.ANNOTATED
                                    ? Mover.move(banks[src], i, other, banks[1 - src], j, amount, innerNotUndone::incrementAndGet)
                                    : Mover.moveWithBlocks(banks[src], i, other, banks[1 - src], j, amount,
                                            innerNotUndone::incrementAndGet);
                        } catch (Insufficient e) {
                            failedMoves.incrementAndGet();
                            continue;
                        }
                        if (fellBack) {
                            fallbacks.incrementAndGet();
                        }
                        delta[m][src][fellBack ? other : i] -= amount;
                        delta[m][1 - src][j] += amount;
                    }
                    committed.incrementAndGet();
                    ThreadKind.beFair();
                }
            } finally {
                moversLeft.decrementAndGet();
            }
        });
        w.add(auditors, a -> {
            do {
                long seen = flavor.api == Api.ANNOTATED ? Mover.sumOfBoth(banks[0], banks[1])
                        : Mover.sumOfBothWithBlocks(banks[0], banks[1]);
                if (seen != total) {
                    inFlight.incrementAndGet();
                }
                audits.incrementAndGet();
                ThreadKind.beFair();
            } while (moversLeft.get() > 0 && !w.failed());
        });
        w.run();
        long ms = (System.nanoTime() - t0) / 1_000_000;

        assertThat(innerNotUndone.get()).as("caught inner withdrawals whose write was not undone").isZero();
        assertThat(inFlight.get()).as("audits of both banks that saw money in flight").isZero();
        assertThat(fallbacks.get()).as("moves that fell back (the test must exercise the or-else)").isPositive();
        assertThat(failedMoves.get()).as("moves failing on the fallback too (the test must exercise them)").isPositive();
        for (int b = 0; b < 2; b++) {
            for (int i = 0; i < ACCOUNTS; i++) {
                long expected = INITIAL;
                for (int m = 0; m < movers; m++) {
                    expected += delta[m][b][i];
                }
                assertThat(banks[b].balance(i)).as("bank %d account %d: initial plus committed moves", b, i)
                        .isEqualTo(expected);
            }
            for (int m = 0; m < movers; m++) {
                assertThat(banks[b].stripe(m)).as("transfers of mover %d in bank %d", m, b).isEqualTo(transfers[m][b]);
            }
            banks[b].assertNoCellLocked();
        }
        Stress.report("property", "composability", flavor, Stress.THREADS, (long) movers * opsEach + audits.get(), 0, ms,
                "committed=" + committed.get() + " fallbacks=" + fallbacks.get() + " failed=" + failedMoves.get()
                        + " audits=" + audits.get());
    }
}
