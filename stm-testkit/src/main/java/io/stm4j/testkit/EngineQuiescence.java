package io.stm4j.testkit;

import io.stm4j.Store;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension that fails a test which leaves the engine busy. After each test it checks
 * that
 *
 * <ul>
 *   <li>no cell of {@link Store#defaultStore()}, nor of a store {@link #watch(Store) watched} by
 *       the test, is locked, and no {@code @Shared} field of an object it
 *       {@link #watch(Object...) watched} (that needs the agent);</li>
 *   <li>no transaction holds the contention manager's priority gate;</li>
 *   <li>no transaction is left waiting in {@code Stm.retry()}, and the waiting room's lock is
 *       free;</li>
 *   <li>the test thread is not inside a transaction;</li>
 * </ul>
 *
 * and otherwise fails the test with one message naming everything that was left. Each test must
 * therefore have joined every thread it started. Two ways to use it:
 *
 * <pre>{@code
 * @ExtendWith(EngineQuiescence.class)   // the engine-wide checks and the default store
 * class MyTest { ... }
 *
 * class MyOtherTest {
 *     @RegisterExtension                 // the same, plus what each test watches
 *     final EngineQuiescence quiescence = new EngineQuiescence();
 *
 *     @Test
 *     void transfers() {
 *         Store store = quiescence.watch(Store.create("accounts"));
 *         ...
 *     }
 * }
 * }</pre>
 *
 * What a test watched is forgotten after the check, so a static {@code @RegisterExtension} field
 * works as well. A test that knows it leaves the priority gate held (a privileged transaction it
 * started still runs) says so with {@link #allowPriorityHeld()}; it is then the only check left
 * out, for that test.
 */
public final class EngineQuiescence implements AfterEachCallback {
    private final List<Store> stores = new ArrayList<>();
    private final List<Object> objects = new ArrayList<>();
    private boolean priorityMayBeHeld;

    /** The extension with nothing watched yet (also what {@code @ExtendWith} creates). */
    public EngineQuiescence() {
    }

    /**
     * Also checks, after the current test, that no cell of {@code store} is locked.
     *
     * @return {@code store}
     */
    public synchronized Store watch(Store store) {
        stores.add(Objects.requireNonNull(store, "store"));
        return store;
    }

    /**
     * Also checks, after the current test, that no {@code @Shared} field of these objects has a
     * locked cell (their classes must have been rewritten by the agent).
     */
    public synchronized void watch(Object... objects) {
        for (Object o : objects) {
            this.objects.add(Objects.requireNonNull(o, "object"));
        }
    }

    /** For the current test only: a transaction holding the priority gate at its end is no failure. */
    public synchronized void allowPriorityHeld() {
        priorityMayBeHeld = true;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        List<String> problems;
        synchronized (this) {
            try {
                problems = problems(stores, objects, priorityMayBeHeld);
            } finally {
                stores.clear();
                objects.clear();
                priorityMayBeHeld = false;
            }
        }
        if (!problems.isEmpty()) {
            throw new AssertionError("the engine is not quiescent after " + context.getDisplayName() + " ("
                    + context.getUniqueId() + "): " + String.join("; ", problems));
        }
    }

    /**
     * Runs the checks of this extension now, on the calling thread, with nothing watched but
     * {@code stores} (the default store is always checked).
     *
     * @throws AssertionError naming everything that was left
     */
    public static void check(Store... stores) {
        List<String> problems = problems(Arrays.asList(stores), List.of(), false);
        if (!problems.isEmpty()) {
            throw new AssertionError("the engine is not quiescent: " + String.join("; ", problems));
        }
    }

    private static List<String> problems(List<Store> stores, List<Object> objects, boolean priorityMayBeHeld) {
        List<String> problems = new ArrayList<>();
        List<Store> all = new ArrayList<>();
        all.add(Store.defaultStore());
        for (Store s : stores) {
            if (all.stream().noneMatch(x -> x == s)) {
                all.add(s);
            }
        }
        for (Store s : all) {
            addIfAny(problems, () -> EngineAudit.lockedCellsProblem(s));
        }
        for (Object o : objects) {
            addIfAny(problems, () -> EngineAudit.lockedFieldsProblem(o));
        }
        problems.addAll(EngineAudit.engineLockProblems(priorityMayBeHeld));
        addIfAny(problems, EngineAudit::inTransactionProblem);
        return problems;
    }

    /** Adds the problem {@code check} finds; an audit that cannot run is a problem too. */
    private static void addIfAny(List<String> problems, java.util.function.Supplier<String> check) {
        try {
            String p = check.get();
            if (p != null) {
                problems.add(p);
            }
        } catch (AssertionError e) {
            problems.add(e.getMessage());
        }
    }
}
