package io.stm4j.it.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.stm4j.Stm;
import io.stm4j.it.support.Api;
import io.stm4j.testkit.EngineQuiescence;
import io.stm4j.testkit.OtherThread;
import io.stm4j.testkit.Stress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code afterCommit} hooks that throw, for each API: a transfer whose first attempt conflicts
 * registers, in both attempts, hooks in the outer body and in a nested transaction; in the
 * committed attempt three of them throw (a RuntimeException, an AssertionError, and a hook whose
 * own transaction fails). Asserted: the commit stays committed (the model, the full audit);
 * the caller gets the first hook failure, with the later ones suppressed in it; every other hook
 * still ran, exactly once, in registration order, outside any transaction; no hook of the
 * conflicted attempt ran; the failing hook's own transaction left no trace.
 */
@ExtendWith(EngineQuiescence.class)
class AfterCommitHookTest {
    private final OtherThread other = new OtherThread();

    @AfterEach
    void close() {
        other.close();
    }

    @ParameterizedTest
    @EnumSource(Api.class)
    void throwingHooksKeepTheCommitAndTheOtherHooksRun(Api api) throws Exception {
        long t0 = System.nanoTime();
        FaultBank bank = FaultBank.create(api, 4, 100);
        Model model = new Model(4, 100);
        int rounds = 5 * Stress.SCALE;
        for (int round = 0; round < rounds; round++) {
            List<String> log = Collections.synchronizedList(new ArrayList<>());
            RuntimeException first = new IllegalStateException("first hook failure");
            AssertionError second = new AssertionError("second hook failure");
            Throwable[] third = new Throwable[1];
            Script s = Script.clean()
                    .on(Point.AFTER_READS, attempt -> {
                        if (attempt == 1) {
                            other.run(() -> bank.touch(0)); // the first attempt will conflict
                        }
                    })
                    .on(Point.AFTER_ALL_WRITES, attempt -> {
                        Stm.afterCommit(() -> {
                            log.add("A" + attempt);
                            throw first;
                        });
                        Stm.afterCommit(() -> {
                            log.add("B" + attempt);
                            throw second;
                        });
                        Stm.afterCommit(() -> log.add("C" + attempt + " inTransaction=" + Stm.inTransaction()));
                    })
                    .on(Point.IN_NESTED, attempt -> {
                        Stm.afterCommit(() -> {
                            log.add("D" + attempt);
                            // a hook may run a transaction of its own; this one fails
                            Script failing = Script.throwing(Point.AFTER_ALL_WRITES, Kind.RUNTIME_EXCEPTION);
                            try {
                                bank.transfer(2, 3, 7, failing);
                            } catch (Throwable e) {
                                third[0] = e;
                                throw Script.<RuntimeException>sneaky(e);
                            }
                        });
                        Stm.afterCommit(() -> log.add("E" + attempt));
                    });
            Throwable thrown = assertThrows(Throwable.class, () -> bank.transfer(0, 1, 10, s));
            assertThat(thrown).as("the first hook failure reaches the caller").isSameAs(first);
            assertThat(thrown.getSuppressed()).as("later hook failures, suppressed in it").containsExactly(second, third[0]);
            assertThat(third[0]).isInstanceOf(IllegalStateException.class);
            assertThat(s.attempts()).isEqualTo(2);
            // the bank's own hooks: the conflicted attempt's rollback hooks (its nested one too when
            // the conflict is found at commit, after the nested transaction joined), then the commit's
            List<String> own = s.log();
            own.remove("nested-rollback");
            assertThat(own).as("the bank's own hooks").containsExactly("rollback-1", "rollback-2", "commit-1", "commit-2");
            assertThat(log).as("every hook of the committed attempt ran once, in order, outside the transaction")
                    .containsExactly("A2", "B2", "C2 inTransaction=false", "D2", "E2");
            model.transfer(0, 1, 10, true); // the commit stays committed
            model.audit(bank, "throwing afterCommit hooks, round " + round);
        }
        Stress.report("fault", "after-commit-hooks", "api=" + api + " kind=platform", 2, 3L * rounds, 3L * rounds,
                (System.nanoTime() - t0) / 1_000_000, "");
    }
}
