package io.stm4j.it.property;

import static org.assertj.core.api.Assertions.assertThat;

import io.stm4j.it.support.Flavor;
import io.stm4j.testkit.EngineQuiescence;
import io.stm4j.testkit.Stress;
import io.stm4j.testkit.ThreadKind;
import io.stm4j.testkit.Workers;
import java.io.IOException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Failure atomicity: a transaction that ends with an exception leaves no trace, under concurrency.
 * Each thread runs transfers inside an outer transaction; some fail after writing (a withdrawal
 * that overdraws, thrown by the nested withdraw after the deposit), and some are made to fail
 * after all their writes with a RuntimeException, a checked exception or an AssertionError. Each
 * thread keeps a model of what it committed (the balance changes of the transfers that returned
 * normally); at the end every balance must equal the initial balance plus the changes of all
 * threads' committed transfers, exactly, and each stripe counter the number of transfers its
 * thread committed. Any leaked write of a failed transfer changes some balance or counter.
 */
@ExtendWith(EngineQuiescence.class)
class FailureAtomicityPropertyTest {
    /** Test invocations that share this property's time under -Pstress: methods times flavors. */
    private static final int INVOCATIONS = Flavor.all().size();
    private static final int ACCOUNTS = 16;
    private static final long INITIAL = 500;

    /** The ways a transaction ends in the test, counted per kind. */
    private static final int OK = 0;
    private static final int OVERDRAWN = 1;
    private static final int RUNTIME = 2;
    private static final int CHECKED = 3;
    private static final int ERROR = 4;

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.stm4j.it.support.Flavor#all")
    void aFailedTransactionLeavesNoTrace(Flavor flavor) throws Exception {
        Stress.rounds(INVOCATIONS, () -> aFailedTransactionLeavesNoTraceRound(flavor));
    }

    private void aFailedTransactionLeavesNoTraceRound(Flavor flavor) throws Exception {
        int threads = Stress.THREADS;
        int opsEach = Math.max(1_000, 120_000 * Stress.SCALE / threads);
        Bank bank = Bank.create(flavor.api, ACCOUNTS, INITIAL, threads);
        long[][] delta = new long[threads][ACCOUNTS];
        long[] committed = new long[threads];
        AtomicLongArray outcomes = new AtomicLongArray(5);
        long t0 = System.nanoTime();
        Workers w = Workers.of(flavor.kind, "failure-atomicity");
        w.add(threads, i -> {
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            for (int n = 0; n < opsEach && !w.failed(); n++) {
                int from = rnd.nextInt(ACCOUNTS);
                int to = (from + 1 + rnd.nextInt(ACCOUNTS - 1)) % ACCOUNTS;
                long amount = 1 + rnd.nextInt(300);
                int inject = rnd.nextInt(10); // 0..2: fail after all writes
                int outcome = OK;
                try {
                    Atomically.run(flavor.api, () -> {
                        bank.transfer(i, from, to, amount);
                        switch (inject) {
                            case 0:
                                throw new IllegalStateException("injected after all writes");
                            case 1:
                                throw new IOException("injected checked exception");
                            case 2:
                                throw new AssertionError("injected error");
                            default:
                                return null;
                        }
                    });
                } catch (Insufficient e) {
                    outcome = OVERDRAWN;
                } catch (IllegalStateException e) {
                    outcome = RUNTIME;
                } catch (IOException e) {
                    outcome = CHECKED;
                } catch (AssertionError e) {
                    if (!"injected error".equals(e.getMessage())) {
                        throw e;
                    }
                    outcome = ERROR;
                }
                outcomes.incrementAndGet(outcome);
                if (outcome == OK) {
                    delta[i][from] -= amount;
                    delta[i][to] += amount;
                    committed[i]++;
                }
                ThreadKind.beFair();
            }
        });
        w.run();
        long ms = (System.nanoTime() - t0) / 1_000_000;

        for (int a = 0; a < ACCOUNTS; a++) {
            long expected = INITIAL;
            for (int t = 0; t < threads; t++) {
                expected += delta[t][a];
            }
            assertThat(bank.balance(a)).as("balance %d: initial plus the committed transfers only", a).isEqualTo(expected);
        }
        for (int t = 0; t < threads; t++) {
            assertThat(bank.stripe(t)).as("transfers committed by thread %d", t).isEqualTo(committed[t]);
        }
        for (int k = 0; k < 5; k++) {
            assertThat(outcomes.get(k)).as("transactions ending with outcome %d (the test must exercise each)", k).isPositive();
        }
        bank.assertNoCellLocked();
        long injected = outcomes.get(RUNTIME) + outcomes.get(CHECKED) + outcomes.get(ERROR);
        Stress.report("property", "failure-atomicity", flavor, threads, (long) threads * opsEach, injected, ms,
                "committed=" + outcomes.get(OK) + " overdrawn=" + outcomes.get(OVERDRAWN) + " runtime=" + outcomes.get(RUNTIME)
                        + " checked=" + outcomes.get(CHECKED) + " error=" + outcomes.get(ERROR));
    }
}
