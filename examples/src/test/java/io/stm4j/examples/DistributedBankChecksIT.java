package io.stm4j.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stm4j.examples.DistributedBankExample.Books;
import io.stm4j.examples.DistributedBankExample.Check;
import io.stm4j.examples.DistributedBankExample.NodeReport;
import io.stm4j.examples.DistributedBankExample.Transfer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The distributed bank's final audit, without etcd: each check passes on consistent books and fails
 * on books with the fault it is there to catch. (DistributedBankIT runs it on a real cluster.)
 */
class DistributedBankChecksIT {
    private static final Transfer T1 = new Transfer("A-1-000001", "A", 0, 1, 100);
    private static final Transfer T2 = new Transfer("A-2-000001", "A", 1, 2, 30);

    /** Books after T1 and T2, and node A's matching report. */
    private static Books books(List<Transfer> log, long counter) {
        Long[] balances = new Long[DistributedBankExample.ACCOUNTS];
        Arrays.fill(balances, DistributedBankExample.OPENING_BALANCE);
        balances[0] -= 100;
        balances[1] += 100 - 30;
        balances[2] += 30;
        return new Books(balances, Map.of("A", counter), log);
    }

    /** Node A's report: its audit's count and sum, and what its callers saw succeed; T1 is its latest audited id. */
    private static NodeReport report(long count, long sum, List<Transfer> made) {
        return new NodeReport("A", 2, 0, 3, count, sum, List.of(T1.id()), made.size(),
                made.stream().mapToLong(Transfer::amount).sum(),
                DistributedBankExample.digest(made.stream().map(Transfer::id).toList()), true);
    }

    private static List<String> failed(Books books, NodeReport report) {
        return DistributedBankExample.audit(books, List.of(report)).stream().filter(c -> !c.ok()).map(Check::what)
                .toList();
    }

    @Test
    void consistentBooksPassEveryCheck() {
        assertThat(DistributedBankExample.audit(books(List.of(T1, T2), 2), List.of(report(2, 130, List.of(T1, T2)))))
                .hasSize(6).allMatch(Check::ok);
    }

    @Test
    void anAuditThatCountedARolledBackAttemptFails() {
        assertThat(failed(books(List.of(T1, T2), 2), report(3, 230, List.of(T1, T2))))
                .containsExactly("node A: in-memory audit (3 transfers, 230 moved) == committed/A in etcd (2)"
                        + " == its log entries (2, 130 moved)");
    }

    @Test
    void aTransferAppliedWithoutItsLogEntryOrTwiceFails() {
        // T2 moved the money but its log entry (and counter increment) are missing: the balances disagree with the log
        assertThat(failed(books(List.of(T1), 1), report(1, 100, List.of(T1))))
                .singleElement().asString().startsWith("every balance == 1,000 + what etcd's log of 1 transfers moved")
                .contains("2 differ, account/01 holds 1070, the log says 1100");
        // T1 applied twice, logged once
        Books twice = books(List.of(T1, T2), 2);
        twice.balances()[0] -= 100;
        twice.balances()[1] += 100;
        assertThat(failed(twice, report(2, 130, List.of(T1, T2)))).singleElement().asString().contains("2 differ");
    }

    @Test
    void aTransferTheCallerSawSucceedButEtcdDoesNotHaveFails() {
        Transfer lost = new Transfer("A-1-000002", "A", 3, 4, 5);
        List<Transfer> made = new ArrayList<>(List.of(T1, T2, lost));
        assertThat(failed(books(List.of(T1, T2), 2), report(2, 130, made))).singleElement().asString()
                .startsWith("node A: the 3 transfers its callers saw succeed are its 2 log entries (ids digest ");
    }

    @Test
    void moneyMadeOrAnOverdraftFails() {
        Books made = books(List.of(T1, T2), 2);
        made.balances()[5] += 1;
        assertThat(failed(made, report(2, 130, List.of(T1, T2))))
                .anyMatch(c -> c.equals("total conserved: 20,001 != 20 accounts x 1,000"));
        Books overdrawn = books(List.of(T1, T2), 2);
        overdrawn.balances()[5] = -10L;
        overdrawn.balances()[6] += 1_010;
        assertThat(failed(overdrawn, report(2, 130, List.of(T1, T2)))).contains("no account overdrawn (lowest balance -10)");
    }

    @Test
    void aNodeThatDidNotFinishFails() {
        NodeReport r = report(2, 130, List.of(T1, T2));
        NodeReport unfinished = new NodeReport(r.node(), r.transfers(), r.refused(), r.attempts(), r.count(), r.sum(),
                r.last(), r.made(), r.madeSum(), r.ids(), false);
        assertThat(failed(books(List.of(T1, T2), 2), unfinished))
                .containsExactly("node A: did not run to its end (see its output)");
    }

    @Test
    void theAuditLineReadsBackAsTheReport() {
        NodeReport r = report(2, 130, List.of(T1, T2));
        assertThat(r.line()).startsWith("AUDIT node=A transfers=2 refused=0 attempts=3 count=2 sum=130 last=A-1-000001 made=2 ");
        assertThat(NodeReport.parse(r.line())).isEqualTo(r);
        NodeReport none = new NodeReport("B", 0, 0, 0, 0, 0, List.of(), 0, 0, DistributedBankExample.digest(List.of()), false);
        assertThat(NodeReport.parse(none.line())).isEqualTo(none);
        assertThatThrownBy(() -> NodeReport.parse("AUDIT node=A count=2")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no [transfers, refused, attempts, sum, last, made, madeSum, ids, ok]");
        assertThatThrownBy(() -> NodeReport.parse(r.line().replace("count=2", "count=two")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
