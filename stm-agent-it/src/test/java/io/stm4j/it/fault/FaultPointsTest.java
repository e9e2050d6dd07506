package io.stm4j.it.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.stm4j.it.support.Api;
import io.stm4j.testkit.EngineQuiescence;
import io.stm4j.testkit.OtherThread;
import io.stm4j.testkit.Stress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Exceptions and errors thrown at every point of a transaction body, for each API and each kind
 * of throwable ({@link Kind}: RuntimeException, a checked exception, AssertionError, an
 * OutOfMemoryError-like VirtualMachineError, and a real StackOverflowError from deep recursion).
 * For each case the caller must get exactly the injected throwable (the same instance) — or, for
 * a hook failing after a body failure, the body's throwable with the hook's suppressed — and the
 * hooks must have run exactly as the contract says. Then the full audit ({@link Model#audit})
 * finds every balance and the journal equal to the sequential model — untouched by a rolled-back
 * transaction, moved by a committed one — no cell locked and no engine lock held; and a clean
 * transfer on the same thread still works.
 *
 * <table>
 *   <caption>expected outcome per case</caption>
 *   <tr><th>case</th><th>caller gets</th><th>state</th><th>hooks logged</th></tr>
 *   <tr><td>before any access, after reads, after some writes, after all writes</td><td>the throwable</td>
 *       <td>unchanged</td><td>rollback-1, rollback-2</td></tr>
 *   <tr><td>in a nested transaction, not caught</td><td>the throwable</td><td>unchanged</td>
 *       <td>nested-rollback, rollback-1, rollback-2</td></tr>
 *   <tr><td>in a nested transaction, caught by the outer body</td><td>nothing</td>
 *       <td>moved, journal unchanged</td><td>nested-rollback, commit-1, commit-2</td></tr>
 *   <tr><td>in an afterCommit hook</td><td>the throwable</td><td>moved and journaled (committed)</td>
 *       <td>commit-1, commit-2</td></tr>
 *   <tr><td>in an afterRollback hook, after the body threw</td><td>the body's throwable, the hook's suppressed</td>
 *       <td>unchanged</td><td>rollback-1, rollback-2</td></tr>
 *   <tr><td>in an afterRollback hook, after a conflict</td><td>the hook's throwable (no re-run)</td>
 *       <td>unchanged</td><td>rollback-1, rollback-2 (and nested-rollback if the nested transaction had run)</td></tr>
 * </table>
 */
@ExtendWith(EngineQuiescence.class)
class FaultPointsTest {
    private static final int ACCOUNTS = 4;
    private static final long INITIAL = 100;
    private static final AtomicLong TRANSACTIONS = new AtomicLong();
    private static final AtomicLong INJECTED = new AtomicLong();
    private static final long START = System.nanoTime();

    enum Case {
        BEFORE_ANY_ACCESS(Point.BEFORE_ANY_ACCESS),
        AFTER_READS(Point.AFTER_READS),
        AFTER_SOME_WRITES(Point.AFTER_SOME_WRITES),
        AFTER_ALL_WRITES(Point.AFTER_ALL_WRITES),
        IN_NESTED(Point.IN_NESTED),
        IN_NESTED_CAUGHT(Point.IN_NESTED),
        IN_AFTER_COMMIT(Point.IN_AFTER_COMMIT),
        IN_AFTER_ROLLBACK_AFTER_BODY_FAILURE(Point.IN_AFTER_ROLLBACK),
        IN_AFTER_ROLLBACK_AFTER_CONFLICT(Point.IN_AFTER_ROLLBACK);

        final Point point;

        Case(Point point) {
            this.point = point;
        }
    }

    private final OtherThread other = new OtherThread();

    @AfterEach
    void close() {
        other.close();
    }

    @AfterAll
    static void summary() {
        Stress.report("fault", "points", "api=store,annotated kind=platform", 1, TRANSACTIONS.get(), INJECTED.get(),
                (System.nanoTime() - START) / 1_000_000, "cases=" + Case.values().length * Kind.values().length * 2);
    }

    static Stream<Arguments> cases() {
        List<Arguments> all = new ArrayList<>();
        for (Api api : Api.values()) {
            for (Case c : Case.values()) {
                for (Kind k : Kind.values()) {
                    all.add(Arguments.of(api, c, k));
                }
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("cases")
    void aFaultLeavesEveryInvariantIntact(Api api, Case c, Kind kind) throws Exception {
        FaultBank bank = FaultBank.create(api, ACCOUNTS, INITIAL);
        Model model = new Model(ACCOUNTS, INITIAL);
        for (int round = 0; round < Stress.SCALE; round++) {
            int from = round % ACCOUNTS;
            int to = (from + 1) % ACCOUNTS;
            long amount = 1 + round;
            runCase(bank, model, c, kind, from, to, amount);
            model.audit(bank, c + " " + kind);

            Script clean = Script.clean();
            bank.transfer(to, from, 1, clean);
            TRANSACTIONS.incrementAndGet();
            model.transfer(to, from, 1, true);
            assertThat(clean.log()).containsExactly("commit-1", "commit-2");
            model.audit(bank, "a clean transfer after " + c + " " + kind);
        }
    }

    private void runCase(FaultBank bank, Model model, Case c, Kind kind, int from, int to, long amount) {
        Script s;
        Throwable thrown;
        switch (c) {
            case IN_NESTED_CAUGHT:
                s = Script.throwing(Point.IN_NESTED, kind).catchingNested();
                call(bank, from, to, amount, s);
                model.transfer(from, to, amount, false);
                assertThat(s.log()).containsExactly("nested-rollback", "commit-1", "commit-2");
                break;
            case IN_AFTER_COMMIT:
                s = Script.throwing(Point.IN_AFTER_COMMIT, kind);
                thrown = assertThrows(Throwable.class, () -> bank.transfer(from, to, amount, s));
                assertThat(thrown).isSameAs(s.injected());
                model.transfer(from, to, amount, true); // the commit stays committed
                assertThat(s.log()).as("the other hook still runs").containsExactly("commit-1", "commit-2");
                break;
            case IN_AFTER_ROLLBACK_AFTER_BODY_FAILURE: {
                s = Script.throwing(Point.IN_AFTER_ROLLBACK, kind);
                RuntimeException primary = new IllegalArgumentException("the body's own failure");
                s.on(Point.AFTER_ALL_WRITES, a -> {
                    throw primary;
                });
                thrown = assertThrows(Throwable.class, () -> bank.transfer(from, to, amount, s));
                assertThat(thrown).isSameAs(primary);
                assertThat(thrown.getSuppressed()).as("the hook's failure, suppressed").containsExactly(s.injected());
                assertThat(s.log()).containsExactly("rollback-1", "rollback-2");
                break;
            }
            case IN_AFTER_ROLLBACK_AFTER_CONFLICT:
                s = Script.throwing(Point.IN_AFTER_ROLLBACK, kind);
                s.on(Point.AFTER_READS, a -> other.run(() -> bank.touch(from)));
                thrown = assertThrows(Throwable.class, () -> bank.transfer(from, to, amount, s));
                assertThat(thrown).isSameAs(s.injected());
                assertThat(s.attempts()).as("a rollback hook's failure ends the transaction").isEqualTo(1);
                // the nested transaction's hook runs too if the conflict is found after it joined
                // the attempt (at commit), not if it is found earlier (at a read)
                List<String> log = s.log();
                log.remove("nested-rollback");
                assertThat(log).containsExactly("rollback-1", "rollback-2");
                break;
            default:
                s = Script.throwing(c.point, kind);
                thrown = assertThrows(Throwable.class, () -> bank.transfer(from, to, amount, s));
                assertThat(thrown).isSameAs(s.injected());
                if (c == Case.IN_NESTED) {
                    assertThat(s.log()).containsExactly("nested-rollback", "rollback-1", "rollback-2");
                } else {
                    assertThat(s.log()).containsExactly("rollback-1", "rollback-2");
                }
        }
        assertThat(s.injections()).as("throwables injected").isEqualTo(1);
        assertThat(s.log()).doesNotContain("inner-not-undone").doesNotHaveDuplicates();
        assertThat(s.injected()).isInstanceOf(expectedType(kind));
        TRANSACTIONS.incrementAndGet();
        INJECTED.addAndGet(s.injections());
    }

    private static void call(FaultBank bank, int from, int to, long amount, Script s) {
        try {
            bank.transfer(from, to, amount, s);
        } catch (Exception e) {
            throw new AssertionError("expected the transfer to commit", e);
        }
    }

    private static Class<?> expectedType(Kind kind) {
        switch (kind) {
            case RUNTIME_EXCEPTION:
                return IllegalStateException.class;
            case CHECKED_EXCEPTION:
                return java.io.IOException.class;
            case ASSERTION_ERROR:
                return AssertionError.class;
            case OUT_OF_MEMORY_LIKE:
                return VirtualMachineError.class;
            default:
                return StackOverflowError.class;
        }
    }
}
