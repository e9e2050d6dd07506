package io.stm4j.examples;

import static io.stm4j.examples.DistributedBankExample.NODES;
import static io.stm4j.examples.DistributedBankExample.account;
import static org.assertj.core.api.Assertions.assertThat;

import io.stm4j.Stm;
import io.stm4j.Value;
import io.stm4j.etcd.EtcdStore;
import io.stm4j.etcd.local.EtcdClusterExtension;
import io.stm4j.examples.DistributedBankExample.Audit;
import io.stm4j.examples.DistributedBankExample.Books;
import io.stm4j.examples.DistributedBankExample.Check;
import io.stm4j.examples.DistributedBankExample.Ledger;
import io.stm4j.examples.DistributedBankExample.Node;
import io.stm4j.examples.DistributedBankExample.NodeReport;
import io.stm4j.examples.DistributedBankExample.Transfer;
import io.stm4j.testkit.OtherThread;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The distributed bank on a local 3-member etcd cluster: node A in a JVM of its own (started here as
 * run-demo.sh's JVMs are: the same java, class path and agent), node B in this one. Skipped when
 * etcd is not installed, failed then where CI=true (the extension).

 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DistributedBankIT {
    private static final int TRANSFERS = 100;
    private static final int THREADS = 2;

    @RegisterExtension
    static EtcdClusterExtension etcd = EtcdClusterExtension.threeMembers();

    @Test
    void twoJvmsMoveMoneyAndEachNodesInMemoryAuditIsWhatEtcdCommitted() throws Exception {
        String namespace = "two-jvms";
        try (EtcdStore store = DistributedBankExample.connect(etcd.endpoints(), namespace)) {
            DistributedBankExample.seed(store, NODES);
            NodeReport b;
            Optional<Integer> status;
            Optional<String> line;
            List<String> args = DistributedBankExample.nodeArgs("A", NODES, TRANSFERS, THREADS, namespace, etcd.endpoints());
            try (ChildJvm a = ChildJvm.start("node A", DistributedBankExample.class, args, System.out::println)) {
                b = new Node("B", store, new Audit()).run(TRANSFERS, THREADS, NODES, System.out);
                status = a.await(Duration.ofSeconds(60)); // then killed by its PID; close() kills it on any failure
                line = a.lastLine(NodeReport.PREFIX);
            }
            assertThat(status).as("node A's exit status").contains(0);
            assertThat(line).as("node A's last line").isPresent();
            NodeReport a = NodeReport.parse(line.orElseThrow());
            Books books = Books.of(store.export());

            assertThat(books.total()).as("total conserved").isEqualTo(DistributedBankExample.TOTAL);
            assertThat(books.balances()).doesNotContainNull().allMatch(balance -> balance >= 0);
            for (int i = 0; i < DistributedBankExample.ACCOUNTS; i++) {
                long expected = DistributedBankExample.OPENING_BALANCE;
                for (Transfer t : books.log()) {
                    expected += (t.to() == i ? t.amount() : 0) - (t.from() == i ? t.amount() : 0);
                }
                assertThat(books.balances()[i]).as("%s: what etcd's log says it must hold", account(i)).isEqualTo(expected);
            }
            for (NodeReport n : List.of(a, b)) {
                List<Transfer> logged = books.logOf(n.node());
                assertThat(n.ok()).as("node %s ran to its end", n.node()).isTrue();
                assertThat(n.transfers()).isEqualTo(TRANSFERS);
                assertThat(n.made() + n.refused()).isEqualTo(TRANSFERS);
                assertThat(n.made()).as("node %s made transfers", n.node()).isPositive();
                assertThat(n.attempts()).as("node %s: every transfer ran its body at least once", n.node())
                        .isGreaterThanOrEqualTo(TRANSFERS);
                // the in-memory audit, published only with etcd's commit, against what etcd committed
                assertThat(n.count()).as("node %s: audit count == committed/%s", n.node(), n.node())
                        .isEqualTo(books.counters().get(n.node()));
                assertThat(n.count()).as("node %s: audit count == its log entries", n.node()).isEqualTo(logged.size());
                assertThat(n.sum()).as("node %s: audit sum == its log's amounts", n.node())
                        .isEqualTo(logged.stream().mapToLong(Transfer::amount).sum());
                assertThat(logged.stream().map(Transfer::id)).as("node %s: its latest ids are logged", n.node())
                        .containsAll(n.last());
                // what the callers saw succeed: every id logged once (the log's keys are the ids), none missing
                assertThat(n.made()).isEqualTo(logged.size());
                assertThat(n.ids()).as("node %s: the ids its callers saw succeed == its log's ids", n.node())
                        .isEqualTo(DistributedBankExample.digest(logged.stream().map(Transfer::id).toList()));
            }
            assertThat(books.log()).hasSize((int) (a.made() + b.made()));
            assertThat(DistributedBankExample.audit(books, List.of(a, b))).allMatch(Check::ok);
        }
    }

    @Test
    void theDemoCommandPrintsAVerdictPerCheck() throws Exception {
        // Main reads the cluster from this property (run-demo.sh sets the environment variable instead)
        System.setProperty(DistributedBankExample.ENDPOINTS_PROPERTY, String.join(",", etcd.endpoints()));
        Captured run;
        try {
            run = Captured.main("distributed", "30");
        } finally {
            System.clearProperty(DistributedBankExample.ENDPOINTS_PROPERTY);
        }
        assertThat(run.status()).isZero();
        assertThat(run.output())
                .startsWith("== stm4j example: distributed (size 30) ==")
                .containsPattern("node B: started in a second JVM, pid \\d+")
                .contains("AUDIT node=B transfers=30 ")
                .contains("OK      total conserved: 20,000 == 20 accounts x 1,000")
                .contains("OK      every balance == 1,000 + what etcd's log of ")
                .containsPattern("OK      node A: in-memory audit \\((\\d+) transfers, ([\\d,]+) moved\\) == committed/A in etcd"
                        + " \\(\\1\\) == its log entries \\(\\1, \\2 moved\\)")
                .containsPattern("OK      node B: in-memory audit \\((\\d+) transfers, ([\\d,]+) moved\\) == committed/B in etcd"
                        + " \\(\\1\\) == its log entries \\(\\1, \\2 moved\\)")
                .contains("OK      node B: its JVM exited with status 0")
                .doesNotContain("FAILED")
                .endsWith("OK: every invariant held." + System.lineSeparator());
    }

    @Test
    void anAuditKeptOutsideTheTransactionDisagreesWithEtcdAndTheFinalAuditSaysSo() throws Exception {
        try (EtcdStore store = DistributedBankExample.connect(etcd.endpoints(), "outside")) {
            DistributedBankExample.seed(store, List.of("S", "P"));
            Node shared = new Node("S", store, new Audit());
            Node plain = new Node("P", store, new PlainLedger());
            Transfer s = new Transfer("S-1-000001", "S", 0, 1, 10);
            Transfer p = new Transfer("P-1-000001", "P", 2, 3, 10);

            withOneReRun(store, shared, s);
            withOneReRun(store, plain, p);

            assertThat(shared.attempts.get()).as("the body ran twice").isEqualTo(2);
            assertThat(plain.attempts.get()).as("the body ran twice").isEqualTo(2);
            Books books = Books.of(store.export());
            assertThat(books.counters()).containsEntry("S", 1L).containsEntry("P", 1L);
            NodeReport right = NodeReport.of(shared, 1, 0, List.of(s), true);
            NodeReport wrong = NodeReport.of(plain, 1, 0, List.of(p), true);
            assertThat(right.count()).as("the @Shared audit kept only the committed attempt").isEqualTo(1);
            assertThat(wrong.count()).as("the plain audit kept the rolled-back attempt too").isEqualTo(2);

            List<Check> checks = DistributedBankExample.audit(books, List.of(right, wrong));
            assertThat(checks).filteredOn(c -> c.what().startsWith("node S: in-memory audit")).singleElement()
                    .matches(Check::ok);
            assertThat(checks).filteredOn(c -> !c.ok()).extracting(Check::what).containsExactly(
                    "node P: in-memory audit (2 transfers, 20 moved) == committed/P in etcd (1) == its log entries (1, 10 moved)");
        }
    }

    /**
     * Runs {@code t} through {@code node} in a transaction whose first attempt fails at its commit:
     * before it commits, another client rewrites the from-account (same value, new version), so
     * etcd refuses the commit and the body runs again.
     */
    private static void withOneReRun(EtcdStore store, Node node, Transfer t) {
        AtomicBoolean first = new AtomicBoolean(true);
        try (OtherThread other = new OtherThread()) {
            Stm.atomic(() -> {
                assertThat(node.transfer(t)).isTrue(); // joins this transaction: its etcd writes commit with it
                if (first.getAndSet(false)) {
                    other.run(() -> {
                        Value<Long> v = store.useVar(account(t.from())); // outside any transaction: a commit of its own
                        v.set(v.get());
                        v.commit();
                    });
                }
            });
        }
    }

    /** The bug the example avoids: an audit on plain fields, which a rolled-back attempt cannot undo. */
    private static final class PlainLedger implements Ledger {
        private long count;
        private long sum;
        private final List<String> last = new ArrayList<>();

        @Override
        public synchronized void record(Transfer t) {
            count++;
            sum += t.amount();
            last.add(t.id());
        }

        @Override
        public synchronized long count() {
            return count;
        }

        @Override
        public synchronized long sum() {
            return sum;
        }

        @Override
        public synchronized List<String> last() {
            return List.copyOf(last.subList(Math.max(0, last.size() - DistributedBankExample.LAST), last.size()));
        }
    }
}
