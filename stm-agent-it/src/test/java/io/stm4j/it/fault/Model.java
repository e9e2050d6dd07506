package io.stm4j.it.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.stm4j.testkit.EngineAudit;
import java.util.Arrays;

/** The sequential model of a {@link FaultBank}: balances and journal, and the full audit against it. */
final class Model {
    final long[] balances;
    long journal;

    Model(int accounts, long initial) {
        balances = new long[accounts];
        Arrays.fill(balances, initial);
    }

    /** A transfer that committed; {@code journaled}: whether its nested transaction committed too. */
    void transfer(int from, int to, long amount, boolean journaled) {
        balances[from] -= amount;
        balances[to] += amount;
        if (journaled) {
            journal++;
        }
    }

    long total() {
        return Arrays.stream(balances).sum();
    }

    /**
     * The full audit: every balance and the journal equal the model's, in one snapshot and read one
     * by one; no cell of the bank locked; the engine holds no lock; this thread is in no transaction.
     */
    void audit(FaultBank bank, String after) {
        audit(bank, after, false);
        EngineAudit.assertEngineQuiescent();
    }

    /**
     * The full audit while another thread's transaction may still be running (parked): the
     * snapshot, the values, no cell locked, no engine lock but the priority gate if
     * {@code priorityMayBeHeld}.
     */
    void audit(FaultBank bank, String after, boolean priorityMayBeHeld) {
        long[] expected = Arrays.copyOf(balances, balances.length + 1);
        expected[balances.length] = journal;
        assertThat(bank.snapshot()).as("balances and journal after %s", after).containsExactly(expected);
        for (int i = 0; i < balances.length; i++) {
            assertThat(bank.balance(i)).as("balance %d after %s", i, after).isEqualTo(balances[i]);
        }
        assertThat(bank.journal()).as("journal after %s", after).isEqualTo(journal);
        assertThat(bank.assertNoCellLocked()).as("cells audited after %s", after).isGreaterThanOrEqualTo(balances.length);
        EngineAudit.assertEngineLocksFree(priorityMayBeHeld);
    }
}
