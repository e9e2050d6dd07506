package io.stm4j.it.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.stm4j.Stm;
import io.stm4j.testkit.EngineAudit;
import io.stm4j.it.support.Api;
import io.stm4j.testkit.EngineQuiescence;
import io.stm4j.testkit.OtherThread;
import io.stm4j.testkit.Stress;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A real StackOverflowError raised inside the engine: recursion through nested transactions, each
 * writing a shared value ({@link Deep}), started from a depth that changes with every trial so
 * that the stack runs out at different points of the engine's own code — entering a scope,
 * reading, writing, or ending a scope while the error unwinds. Whether the error escapes to the
 * caller or is caught by the outermost transaction's body, after every trial: the thread is not
 * left inside a transaction; no write of the overflowing scopes is visible to another thread;
 * when the outer body caught the error, its own writes commit; no cell is locked and the engine
 * holds no lock; and the same thread runs a 200-deep nested transaction whose commit another
 * thread sees. (Before commit d56dada the nesting depth leaked from the second overflow on: the
 * thread stayed inside a transaction for good and its later commits were never published.) Each
 * test runs on a fresh thread, so that a failure cannot spill into other tests.
 */
@ExtendWith(EngineQuiescence.class)
class StackOverflowTest {
    private static final int TRIALS = 12 * Stress.SCALE;

    @ParameterizedTest
    @EnumSource(Api.class)
    void anEscapingOverflowLeavesNoTrace(Api api) throws Throwable {
        long t0 = System.nanoTime();
        OtherThread.runFresh("overflow-" + api, () -> {
            Deep deep = Deep.create(api);
            for (int trial = 0; trial < TRIALS; trial++) {
                int padding = trial * 7 % 97;
                assertThrows(StackOverflowError.class, () -> padded(padding, () -> deep.dive(1)));
                String after = "an escaped overflow, trial " + trial;
                assertThat(Stm.inTransaction()).as("inside a transaction after %s", after).isFalse();
                assertThat(CompletableFuture.supplyAsync(deep::values).join())
                        .as("marker, before, after, seen by another thread after %s", after).containsExactly(0L, 0L, 0L);
                assertThreadStillWorks(deep, after);
            }
        });
        Stress.report("fault", "stack-overflow-escapes", "api=" + api + " kind=platform", 1, 2L * TRIALS, TRIALS,
                (System.nanoTime() - t0) / 1_000_000, "");
    }

    @ParameterizedTest
    @EnumSource(Api.class)
    void aCaughtOverflowUndoesOnlyTheInnerScopes(Api api) throws Throwable {
        long t0 = System.nanoTime();
        OtherThread.runFresh("overflow-caught-" + api, () -> {
            Deep deep = Deep.create(api);
            for (int trial = 0; trial < TRIALS; trial++) {
                int padding = trial * 7 % 97;
                assertThat(padded(padding, deep::diveAndCatch)).as("the body caught the overflow").isNotNull();
                String after = "a caught overflow, trial " + trial;
                assertThat(Stm.inTransaction()).as("inside a transaction after %s", after).isFalse();
                assertThat(CompletableFuture.supplyAsync(deep::values).join())
                        .as("marker, before, after, seen by another thread after %s: inner scopes undone, outer committed",
                                after)
                        .containsExactly(0L, 1L, 2L);
                deep.reset();
                assertThreadStillWorks(deep, after);
            }
        });
        Stress.report("fault", "stack-overflow-caught", "api=" + api + " kind=platform", 1, 2L * TRIALS, TRIALS,
                (System.nanoTime() - t0) / 1_000_000, "");
    }

    /** No cell locked, no engine lock; a 200-deep nest on this thread commits, visibly to another thread. */
    private static void assertThreadStillWorks(Deep deep, String after) {
        assertThat(deep.assertNoCellLocked()).isPositive();
        EngineAudit.assertEngineQuiescent();
        deep.nest(200);
        assertThat(CompletableFuture.supplyAsync(deep::values).join()[0])
                .as("a nest committed after %s, seen by another thread", after).isEqualTo(200);
        deep.reset();
        assertThat(deep.assertNoCellLocked()).isPositive();
        EngineAudit.assertEngineQuiescent();
    }

    /** Calls {@code body} from {@code frames} plain frames deeper, to move where the stack runs out. */
    private static <T> T padded(int frames, Supplier<T> body) {
        return frames == 0 ? body.get() : padded(frames - 1, body);
    }
}
