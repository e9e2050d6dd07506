package io.stm4j.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.stm4j.Shared;
import io.stm4j.Stm;
import io.stm4j.Store;
import io.stm4j.Value;
import io.stm4j.testkit.EngineAudit;
import io.stm4j.testkit.EngineQuiescence;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/**
 * {@link EngineQuiescence} fails a test that leaves a store cell locked, the priority gate held or
 * a {@code Stm.retry()} waiter, and passes one that leaves nothing. The misbehaving tests are the
 * samples below, run through the JUnit Platform test kit (they are disabled when run any other
 * way); each locks through the package-private engine API and is cleaned up here afterwards. No
 * agent: store cells and the engine's own locks only.
 */
class EngineQuiescenceTest {
    private static final String SAMPLES = "stm4j.testkit.samples";

    /** What a sample left behind, undone by {@link #cleanUp()}. */
    private static final AtomicReference<Cell> LOCKED = new AtomicReference<>();
    private static final AtomicReference<Txn> PRIVILEGED = new AtomicReference<>();
    private static final AtomicReference<Store> WAITED_ON = new AtomicReference<>();
    private static final AtomicReference<Thread> WAITER = new AtomicReference<>();

    @AfterEach
    void cleanUp() throws InterruptedException {
        Cell c = LOCKED.getAndSet(null);
        if (c != null) {
            c.owner = null;
        }
        Txn t = PRIVILEGED.getAndSet(null);
        if (t != null) {
            ContentionManager.release(t);
        }
        Thread w = WAITER.getAndSet(null);
        if (w != null) {
            Store s = WAITED_ON.getAndSet(null);
            Stm.atomic(() -> {
                Value<Integer> v = s.useVar("signal");
                v.set(1);
                v.commit();
            });
            w.join(TimeUnit.SECONDS.toMillis(60));
            assertThat(w.isAlive()).as("the waiter woke and ended").isFalse();
        }
        EngineQuiescence.check(); // the samples' leftovers are gone
    }

    @Test
    void passesATestThatLeavesNothing() {
        Event e = single(run(Clean.class));
        assertThat(e.getRequiredPayload(TestExecutionResult.class).getStatus())
                .isEqualTo(TestExecutionResult.Status.SUCCESSFUL);
    }

    @Test
    void failsATestThatLeavesADefaultStoreCellLocked() {
        assertThat(failure(LeavesADefaultStoreCellLocked.class))
                .hasMessageContaining("the engine is not quiescent after")
                .hasMessageContaining("store cells left locked: [" + LeavesADefaultStoreCellLocked.KEY + "]");
    }

    @Test
    void failsATestThatLeavesAWatchedStoreCellLocked() {
        assertThat(failure(LeavesAWatchedStoreCellLocked.class))
                .hasMessageContaining("store cells left locked: [" + LeavesAWatchedStoreCellLocked.KEY + "] in "
                        + LeavesAWatchedStoreCellLocked.STORE);
    }

    @Test
    void failsATestThatLeavesThePriorityGateHeld() {
        assertThat(failure(LeavesThePriorityGateHeld.class))
                .hasMessageContaining("the contention manager's priority gate is still held by")
                .hasMessageContaining(Thread.currentThread().getName());
    }

    @Test
    void passesATestThatSaysItLeavesThePriorityGateHeld() {
        Event e = single(run(SaysItLeavesThePriorityGateHeld.class));
        assertThat(e.getRequiredPayload(TestExecutionResult.class).getStatus())
                .isEqualTo(TestExecutionResult.Status.SUCCESSFUL);
        assertThat(EngineAudit.priorityHeld()).as("left held by the sample, released by cleanUp").isTrue();
    }

    @Test
    void failsATestThatLeavesAWaiterInRetry() {
        assertThat(failure(LeavesAWaiterInRetry.class))
                .hasMessageContaining("1 transaction(s) still counted as waiting in Stm.retry()");
    }

    @Test
    void failsATestWhoseWatchedObjectCannotBeAudited() {
        assertThat(failure(WatchesObjectsItCannotAudit.class))
                .hasMessageContaining(Object.class.getName() + " has no @Shared field to audit")
                .hasMessageContaining("was " + NotRewritten.class.getName() + " rewritten by the stm4j agent?");
    }

    @Test
    void namesEverythingThatWasLeft() {
        assertThat(failure(LeavesACellAndThePriorityGate.class))
                .hasMessageContaining("store cells left locked: [" + LeavesACellAndThePriorityGate.KEY + "]")
                .hasMessageContaining("; the contention manager's priority gate is still held by");
    }

    @Test
    void theChecksSeeTheCallingThreadInsideATransaction() {
        Stm.atomic(() -> {
            assertThat(EngineAudit.inTransactionProblem()).isEqualTo(Thread.currentThread() + " is still inside a transaction");
            assertThatThrownBy(EngineQuiescence::check).isInstanceOf(AssertionError.class)
                    .hasMessageContaining("is still inside a transaction");
            assertThatThrownBy(EngineAudit::assertEngineQuiescent).isInstanceOf(AssertionError.class)
                    .hasMessage(Thread.currentThread() + " is still inside a transaction");
        });
        assertThat(EngineAudit.inTransactionProblem()).isNull();
    }

    @Test
    void theAuditNamesALockedStoreCell() {
        Store s = Store.create();
        s.useVar("a");
        s.useVar("b");
        assertThat(EngineAudit.assertUnlocked(s)).isEqualTo(2);
        lock(s, "b");
        assertThatThrownBy(() -> EngineAudit.assertUnlocked(s)).isInstanceOf(AssertionError.class)
                .hasMessage("store cells left locked: [b]");
    }

    private static EngineExecutionResults run(Class<?> sample) {
        return EngineTestKit.engine("junit-jupiter").configurationParameter(SAMPLES, "true")
                .selectors(selectClass(sample)).execute();
    }

    private static Event single(EngineExecutionResults r) {
        List<Event> finished = r.testEvents().finished().stream().collect(Collectors.toList());
        assertThat(finished).as("tests run").hasSize(1);
        return finished.get(0);
    }

    /** @return why the single test of {@code sample} failed */
    private static Throwable failure(Class<?> sample) {
        TestExecutionResult r = single(run(sample)).getRequiredPayload(TestExecutionResult.class);
        assertThat(r.getStatus()).as("the sample's result").isEqualTo(TestExecutionResult.Status.FAILED);
        Throwable t = r.getThrowable().orElseThrow();
        assertThat(t).isInstanceOf(AssertionError.class);
        return t;
    }

    /** Locks {@code key}'s cell of {@code store} as a committer would, for {@link #cleanUp()} to unlock. */
    static void lock(Store store, String key) {
        store.useVar(key); // creates the cell
        Cell cell = ((VersionedStore) store).cells().stream().filter(c -> key.equals(c.name())).findFirst().orElseThrow();
        cell.owner = Txn.current();
        assertThat(LOCKED.getAndSet(cell)).as("one locked cell at a time").isNull();
    }

    static void takePriority() {
        Txn t = Txn.current();
        assertThat(ContentionManager.tryPrioritize(t, 0)).as("took the priority gate").isNotZero();
        PRIVILEGED.set(t);
    }

    /** Enables the samples only when this class runs them through the test kit. */
    static final class OnlyThroughTheTestKit implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return context.getConfigurationParameter(SAMPLES).isPresent()
                    ? ConditionEvaluationResult.enabled("run by EngineQuiescenceTest")
                    : ConditionEvaluationResult.disabled("a sample for EngineQuiescenceTest, which runs it");
        }
    }

    static final class NotRewritten {
        @Shared
        int x;
    }

    @ExtendWith({OnlyThroughTheTestKit.class, EngineQuiescence.class})
    static class Clean {
        @Test
        void usesTheEngineAndLeavesNothing() {
            Store s = Store.create();
            Stm.atomic(() -> {
                Value<Integer> v = s.useVar("k");
                v.set(1);
                v.commit();
            });
        }
    }

    @ExtendWith({OnlyThroughTheTestKit.class, EngineQuiescence.class})
    static class LeavesADefaultStoreCellLocked {
        static final String KEY = "stm4j-testkit-left-locked";

        @Test
        void locksACell() {
            lock(Store.defaultStore(), KEY);
        }
    }

    @ExtendWith(OnlyThroughTheTestKit.class)
    static class LeavesAWatchedStoreCellLocked {
        static final String KEY = "left-locked";
        static final Store STORE = Store.create();

        @RegisterExtension
        final EngineQuiescence quiescence = new EngineQuiescence();

        @Test
        void locksACell() {
            lock(quiescence.watch(STORE), KEY);
        }
    }

    @ExtendWith({OnlyThroughTheTestKit.class, EngineQuiescence.class})
    static class LeavesThePriorityGateHeld {
        @Test
        void takesPriority() {
            takePriority();
        }
    }

    @ExtendWith(OnlyThroughTheTestKit.class)
    static class SaysItLeavesThePriorityGateHeld {
        @RegisterExtension
        static final EngineQuiescence QUIESCENCE = new EngineQuiescence();

        @Test
        void takesPriority() {
            QUIESCENCE.allowPriorityHeld();
            takePriority();
        }
    }

    @ExtendWith({OnlyThroughTheTestKit.class, EngineQuiescence.class})
    static class LeavesACellAndThePriorityGate {
        static final String KEY = "stm4j-testkit-left-locked-too";

        @Test
        void locksACellAndTakesPriority() {
            lock(Store.defaultStore(), KEY);
            takePriority();
        }
    }

    @ExtendWith(OnlyThroughTheTestKit.class)
    static class WatchesObjectsItCannotAudit {
        @RegisterExtension
        final EngineQuiescence quiescence = new EngineQuiescence();

        @Test
        void watches() {
            quiescence.watch(new Object(), new NotRewritten());
        }
    }

    @ExtendWith({OnlyThroughTheTestKit.class, EngineQuiescence.class})
    static class LeavesAWaiterInRetry {
        @Test
        void startsAWaiter() {
            Store s = Store.create();
            WAITED_ON.set(s);
            Thread w = new Thread(() -> Stm.atomic(() -> {
                if (s.useVar("signal").get() == null) {
                    Stm.retry();
                }
            }), "stm4j-testkit-waiter");
            w.setDaemon(true);
            WAITER.set(w);
            w.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (Blocking.waiterCount() == 0) {
                assertThat(w.isAlive()).as("waiter ended before blocking").isTrue();
                assertThat(System.nanoTime() - deadline).as("waiter never waited in Stm.retry()").isNegative();
                Thread.yield();
            }
        }
    }
}
