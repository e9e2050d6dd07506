package io.stm4j.examples;

import io.stm4j.Atomic;
import io.stm4j.Changeset;
import io.stm4j.Shared;
import io.stm4j.Stm;
import io.stm4j.Value;
import io.stm4j.etcd.EtcdStore;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * Distributed bank: two JVMs, node A and node B, move money between the same accounts, kept by an
 * etcd cluster through an {@link EtcdStore}. Each node makes its transfers on a few threads; one
 * transfer is one {@code @Atomic} method that, in a single transaction,
 * <ol>
 *   <li>moves the amount from one account to another in etcd ({@code store.using(from, to)}, set,
 *       commit), or refuses it when the balance is too low;</li>
 *   <li>increments the node's counter in etcd, {@code committed/<node>}, and writes the transfer to
 *       etcd's log, {@code log/<transfer id>};</li>
 *   <li>records it in the node's in-memory {@link Audit}: {@code @Shared} fields.</li>
 * </ol>
 * The transaction's commit is one etcd transaction, and it decides the in-memory part too: the
 * audit is published only if etcd committed. At the end the example checks, from one etcd snapshot
 * and each node's report, that the total is conserved, that each node's in-memory audit equals its
 * counter and its log entries in etcd, and that every balance is what the log says it must be.
 *
 * <p>{@link Main} runs it as {@code distributed}: this JVM seeds the accounts, starts node B in a
 * second JVM ({@link ChildJvm}: the same {@code java}, class path and agent) and is node A itself.
 * The second JVM runs {@link #main(String[])} with {@code node=B ...} arguments and prints its
 * report as its last line, {@link NodeReport#line() AUDIT node=B count=...}.
 */
public final class DistributedBankExample {
    static final int ACCOUNTS = 20;
    static final long OPENING_BALANCE = 1_000;
    static final long TOTAL = ACCOUNTS * OPENING_BALANCE;
    static final int MAX_AMOUNT = 250;
    /** Threads per node in the demo. */
    static final int THREADS = 3;
    /** How many of its latest transfer ids a node's audit keeps. */
    static final int LAST = 5;
    static final String NAMESPACE = "bank";
    static final List<String> NODES = List.of("A", "B");
    /** Where {@link Main} finds the cluster: this system property, else the environment variable below. */
    static final String ENDPOINTS_PROPERTY = "stm4j.etcd.endpoints";
    static final String ENDPOINTS_ENV = "STM4J_ETCD_ENDPOINTS";
    /** How long a node waits for the others to be ready. */
    static final Duration PEER_PATIENCE = Duration.ofSeconds(60);

    private DistributedBankExample() {
    }

    static String account(int i) {
        return String.format(Locale.ROOT, "account/%02d", i);
    }

    static String counterKey(String node) {
        return "committed/" + node;
    }

    static String logKey(String transferId) {
        return "log/" + transferId;
    }

    static String readyKey(String node) {
        return "ready/" + node;
    }

    /** How long a node may take for {@code transfers} transfers: generous, but bounded. */
    static Duration timeFor(int transfers) {
        return PEER_PATIENCE.plusMillis(100L * transfers);
    }

    /**
     * One transfer, as etcd's log keeps it (a record: the store's JSON codec writes and reads it back).
     *
     * @param id unique per transfer: node, thread and sequence number, {@code A-2-000042}
     * @param node the node that made it
     * @param from the account it takes the amount from
     * @param to the account it gives the amount to
     * @param amount how much
     */
    public record Transfer(String id, String node, int from, int to, long amount) {
    }

    /** What a node records of its transfers in memory. */
    interface Ledger {
        void record(Transfer t);

        long count();

        long sum();

        /** The ids of the latest {@value #LAST} transfers recorded, oldest first. */
        List<String> last();
    }

    /**
     * The node's in-memory audit: {@code @Shared} fields, written inside the transfer's transaction,
     * so that they are published if, and only if, etcd commits the transfer.
     */
    static final class Audit implements Ledger {
        @Shared
        private long count;
        @Shared
        private long sum;
        /** Immutable: a {@code @Shared} field's value is shared by reference, never copied. */
        @Shared
        private List<String> last = List.of();

        @Override
        public void record(Transfer t) {
            count++;
            sum += t.amount();
            List<String> next = new ArrayList<>(last);
            next.add(t.id());
            last = List.copyOf(next.subList(Math.max(0, next.size() - LAST), next.size()));
        }

        @Override
        public long count() {
            return count;
        }

        @Override
        public long sum() {
            return sum;
        }

        @Override
        public List<String> last() {
            return last;
        }
    }

    /**
     * A connection to the bank's namespace on the cluster.
     *
     * @param endpoints the cluster's client URLs
     * @param namespace where the bank's keys live
     * @return the store
     */
    static EtcdStore connect(List<String> endpoints, String namespace) {
        return EtcdStore.builder().endpoints(endpoints.toArray(String[]::new)).namespace(namespace).build();
    }

    /** @return the endpoints set by {@value #ENDPOINTS_PROPERTY} or {@value #ENDPOINTS_ENV}, or empty */
    static List<String> configuredEndpoints() {
        String s = System.getProperty(ENDPOINTS_PROPERTY, System.getenv(ENDPOINTS_ENV));
        return s == null || s.isBlank() ? List.of() : Arrays.stream(s.split(",")).map(String::trim)
                .filter(e -> !e.isEmpty()).toList();
    }

    /**
     * Opens the accounts in one transaction: {@value #ACCOUNTS} accounts of {@value #OPENING_BALANCE}
     * and a counter of 0 per node. The namespace must be empty: a second run on the same cluster
     * would otherwise start from the first one's balances and log.
     *
     * @throws IllegalStateException if the namespace holds keys already
     */
    static void seed(EtcdStore store, List<String> nodes) {
        Stm.atomic(() -> {
            var present = store.names(); // the commit also checks that no key of the namespace appeared since
            if (!present.isEmpty()) {
                throw new IllegalStateException(store + " already holds " + present.size() + " keys (" + present.stream()
                        .limit(3).collect(Collectors.joining(", ")) + ", ...): the example starts from an empty namespace");
            }
            for (int i = 0; i < ACCOUNTS; i++) {
                put(store, account(i), OPENING_BALANCE);
            }
            for (String node : nodes) {
                put(store, counterKey(node), 0L);
            }
        });
    }

    private static void put(EtcdStore store, String key, Object value) {
        Value<Object> v = store.useVar(key);
        v.set(value);
        v.commit();
    }

    // ------------------------------------------------------------------ a node

    /** One node: its transfers, on a few threads, against the shared store. */
    static final class Node {
        final String name;
        final EtcdStore store;
        final Ledger audit;
        /** Runs of the transfer body: not {@code @Shared}, so the re-run attempts are counted too. */
        final AtomicLong attempts = new AtomicLong();

        Node(String name, EtcdStore store, Ledger audit) {
            this.name = name;
            this.store = store;
            this.audit = audit;
        }

        /**
         * The transfer: etcd's balances, counter and log, and the in-memory audit, in one transaction.
         *
         * @return whether it was made (false: refused, the balance was too low)
         */
        @Atomic
        boolean transfer(Transfer t) {
            attempts.incrementAndGet();
            String from = account(t.from());
            String to = account(t.to());
            Changeset accounts = store.using(from, to); // both balances at the transaction's one etcd revision
            Value<Long> a = accounts.get(from);
            Value<Long> b = accounts.get(to);
            if (a.get() < t.amount()) {
                return false; // nothing staged, nothing audited: the commit only checks the two balances
            }
            a.set(a.get() - t.amount());
            b.set(b.get() + t.amount());
            accounts.commit(); // staged: etcd sees it in the transaction's commit, with everything below
            Value<Long> committed = store.useVar(counterKey(name));
            committed.set(committed.get() + 1);
            committed.commit();
            Value<Transfer> entry = store.useVar(logKey(t.id())); // missing: version 0, so it is created only if still absent
            entry.set(t);
            entry.commit();
            audit.record(t); // @Shared fields: published only if etcd commits all of the above
            return true;
        }

        /**
         * Marks this node ready in etcd and waits until every node is, so that the nodes' transfers
         * overlap: {@code Stm.retryFor} waits on an etcd watch of the keys read, no polling.
         *
         * @return whether all were ready within {@link #PEER_PATIENCE}
         */
        boolean awaitPeers(List<String> nodes) {
            put(store, readyKey(name), Boolean.TRUE); // outside a transaction: a commit of its own
            return Stm.atomic(() -> {
                for (String n : nodes) {
                    if (store.useVar(readyKey(n)).get() == null) {
                        Stm.retryFor(PEER_PATIENCE);
                        return false; // the patience has run out (a change to what was read re-runs the body instead)
                    }
                }
                return true;
            });
        }

        /**
         * Makes {@code transfers} transfers between random accounts on {@code threads} threads,
         * printing progress every second, once every node is ready.
         *
         * @return what the node did, and its audit
         */
        NodeReport run(int transfers, int threads, List<String> nodes, PrintStream out) throws InterruptedException {
            if (!awaitPeers(nodes)) {
                out.printf("node %s: not every node of %s was ready within %d s%n", name, nodes, PEER_PATIENCE.toSeconds());
                return NodeReport.of(this, 0, 0, List.of(), false);
            }
            AtomicLong done = new AtomicLong();
            AtomicLong refused = new AtomicLong();
            // the transfers under way: their first attempts are counted in attempts, but are no re-runs (yet)
            AtomicLong running = new AtomicLong();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<List<Transfer>> made = new ArrayList<>();
            List<Thread> workers = new ArrayList<>();
            for (int k = 0; k < threads; k++) {
                int thread = k + 1;
                int count = transfers / threads + (k < transfers % threads ? 1 : 0);
                List<Transfer> mine = new ArrayList<>();
                made.add(mine);
                SplittableRandom random = new SplittableRandom(name.hashCode() * 31L + thread);
                workers.add(new Thread(() -> {
                    try {
                        for (int n = 1; n <= count && !stop.get(); n++) {
                            int from = random.nextInt(ACCOUNTS);
                            int to = (from + 1 + random.nextInt(ACCOUNTS - 1)) % ACCOUNTS;
                            Transfer t = new Transfer(String.format(Locale.ROOT, "%s-%d-%06d", name, thread, n), name,
                                    from, to, 1 + random.nextInt(MAX_AMOUNT));
                            running.incrementAndGet();
                            if (transfer(t)) {
                                mine.add(t); // what the caller saw succeed, kept apart from the audit
                            } else {
                                refused.incrementAndGet();
                            }
                            done.incrementAndGet();
                            running.decrementAndGet();
                        }
                    } catch (RuntimeException | Error e) {
                        failure.compareAndSet(null, e); // reported, and the other threads stop
                        stop.set(true);
                    }
                }, "node " + name + " thread " + thread));
            }
            long start = System.nanoTime();
            boolean finished;
            try (Progress p = Progress.everySecond(out, "node " + name, () -> Progress.bar(done.get(), transfers) + "  "
                    + Table.n(done.get()) + " transfers (" + Table.n(refused.get()) + " refused), "
                    + Table.n(Math.max(0, attempts.get() - done.get() - running.get())) + " re-runs")) {
                workers.forEach(Thread::start);
                finished = BankExample.joinAll(workers, timeFor(transfers).toNanos());
                stop.set(true);
                // a thread still in an etcd call ends within the store's request timeout once it sees stop
                finished &= BankExample.joinAll(workers, TimeUnit.SECONDS.toNanos(30));
            }
            out.printf("node %s: %s transfers in %s%n", name, Table.n(done.get()), Table.seconds(System.nanoTime() - start));
            Throwable f = failure.get();
            if (f != null) {
                out.printf("node %s: a transfer failed, and the node stopped:%n", name);
                f.printStackTrace(out);
            } else if (!finished) {
                out.printf("node %s: its threads did not finish within %d s%n", name, timeFor(transfers).toSeconds());
            }
            // a thread that is still running may still add to its list: then the node reports none (and fails)
            List<Transfer> all = finished ? made.stream().flatMap(List::stream).toList() : List.of();
            return NodeReport.of(this, done.get(), refused.get(), all, finished && f == null);
        }
    }

    // ------------------------------------------------------------------ what a node reports

    /**
     * What one node did: its calls, its in-memory audit, and what its callers saw succeed.
     *
     * @param node the node's name
     * @param transfers transfers made or refused
     * @param refused transfers refused for a too low balance
     * @param attempts runs of the transfer body (re-runs included)
     * @param count the audit's count of transfers
     * @param sum the audit's sum of the amounts moved
     * @param last the audit's latest transfer ids
     * @param made how many transfers returned true to their caller
     * @param madeSum the amounts of those
     * @param ids a digest of their ids ({@link #digest})
     * @param ok whether the node ran to its end without an exception
     */
    record NodeReport(String node, long transfers, long refused, long attempts, long count, long sum,
                      List<String> last, long made, long madeSum, String ids, boolean ok) {
        static final String PREFIX = "AUDIT ";

        static NodeReport of(Node n, long transfers, long refused, List<Transfer> made, boolean ok) {
            return new NodeReport(n.name, transfers, refused, n.attempts.get(), n.audit.count(), n.audit.sum(),
                    n.audit.last(), made.size(), made.stream().mapToLong(Transfer::amount).sum(),
                    digest(made.stream().map(Transfer::id).toList()), ok);
        }

        /** The machine-readable line the node's JVM ends its output with. */
        String line() {
            return PREFIX + "node=" + node + " transfers=" + transfers + " refused=" + refused + " attempts=" + attempts
                    + " count=" + count + " sum=" + sum + " last=" + String.join(",", last) + " made=" + made
                    + " madeSum=" + madeSum + " ids=" + ids + " ok=" + ok;
        }

        /**
         * @param line a {@link #line()}
         * @return the report it carries
         * @throws IllegalArgumentException if it is not one
         */
        static NodeReport parse(String line) {
            if (!line.startsWith(PREFIX)) {
                throw new IllegalArgumentException("not an audit line: " + line);
            }
            Map<String, String> f = new HashMap<>();
            for (String field : line.substring(PREFIX.length()).split(" ")) {
                int eq = field.indexOf('=');
                if (eq < 0) {
                    throw new IllegalArgumentException("no '=' in '" + field + "' of " + line);
                }
                f.put(field.substring(0, eq), field.substring(eq + 1));
            }
            List<String> missing = List.of("node", "transfers", "refused", "attempts", "count", "sum", "last", "made",
                    "madeSum", "ids", "ok").stream().filter(k -> !f.containsKey(k)).toList();
            if (!missing.isEmpty()) {
                throw new IllegalArgumentException("no " + missing + " in " + line);
            }
            String last = f.get("last");
            try {
                return new NodeReport(f.get("node"), Long.parseLong(f.get("transfers")), Long.parseLong(f.get("refused")),
                        Long.parseLong(f.get("attempts")), Long.parseLong(f.get("count")), Long.parseLong(f.get("sum")),
                        last.isEmpty() ? List.of() : List.of(last.split(",")), Long.parseLong(f.get("made")),
                        Long.parseLong(f.get("madeSum")), f.get("ids"), Boolean.parseBoolean(f.get("ok")));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("a number is not one in " + line, e);
            }
        }
    }

    /** The first 16 hex digits of the SHA-256 of the sorted ids: equal digests, equal sets (for all practical purposes). */
    static String digest(List<String> ids) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String id : new TreeSet<>(ids)) {
                sha.update((id + "\n").getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    // ------------------------------------------------------------------ the final audit

    /**
     * One verdict of the final audit.
     *
     * @param ok whether it held
     * @param what what was checked, with the figures
     */
    record Check(boolean ok, String what) {
        @Override
        public String toString() {
            return (ok ? "OK      " : "FAILED  ") + what;
        }
    }

    /**
     * The bank as etcd holds it at one revision.
     *
     * @param balances each account's balance (null: missing)
     * @param counters each node's {@code committed/<node>}
     * @param log every transfer logged
     */
    record Books(Long[] balances, Map<String, Long> counters, List<Transfer> log) {
        /**
         * @param snapshot {@link EtcdStore#export(String...) store.export()}: every key of the namespace at one revision
         */
        static Books of(Map<String, Object> snapshot) {
            Long[] balances = new Long[ACCOUNTS];
            Map<String, Long> counters = new LinkedHashMap<>();
            List<Transfer> log = new ArrayList<>();
            snapshot.forEach((key, value) -> {
                if (key.startsWith("account/")) {
                    balances[Integer.parseInt(key.substring("account/".length()))] = (Long) value;
                } else if (key.startsWith("committed/")) {
                    counters.put(key.substring("committed/".length()), (Long) value);
                } else if (key.startsWith("log/")) {
                    log.add((Transfer) value);
                }
            });
            return new Books(balances, counters, log);
        }

        long total() {
            return Arrays.stream(balances).mapToLong(b -> b == null ? 0 : b).sum();
        }

        List<Transfer> logOf(String node) {
            return log.stream().filter(t -> t.node().equals(node)).toList();
        }
    }

    /**
     * The final audit: etcd's books against themselves and against each node's report.
     *
     * @return one verdict per check
     */
    static List<Check> audit(Books books, List<NodeReport> nodes) {
        List<Check> checks = new ArrayList<>();
        long missing = Arrays.stream(books.balances()).filter(b -> b == null).count();
        checks.add(new Check(missing == 0 && books.total() == TOTAL, "total conserved: " + Table.n(books.total())
                + (books.total() == TOTAL ? " == " : " != ") + ACCOUNTS + " accounts x " + Table.n(OPENING_BALANCE)
                + (missing > 0 ? " (" + missing + " accounts missing)" : "")));
        long lowest = Arrays.stream(books.balances()).mapToLong(b -> b == null ? 0 : b).min().orElse(0);
        checks.add(new Check(lowest >= 0, "no account overdrawn (lowest balance " + Table.n(lowest) + ")"));
        long[] expected = new long[ACCOUNTS];
        Arrays.fill(expected, OPENING_BALANCE);
        for (Transfer t : books.log()) {
            expected[t.from()] -= t.amount();
            expected[t.to()] += t.amount();
        }
        List<String> wrong = new ArrayList<>();
        for (int i = 0; i < ACCOUNTS; i++) {
            if (books.balances()[i] == null || books.balances()[i] != expected[i]) {
                wrong.add(account(i) + " holds " + books.balances()[i] + ", the log says " + expected[i]);
            }
        }
        checks.add(new Check(wrong.isEmpty(), "every balance == " + Table.n(OPENING_BALANCE) + " + what etcd's log of "
                + Table.n(books.log().size()) + " transfers moved in and out (none applied twice, partly or unlogged)"
                + (wrong.isEmpty() ? "" : ": " + wrong.size() + " differ, " + wrong.get(0))));
        for (NodeReport n : nodes) {
            List<Transfer> logged = books.logOf(n.node());
            long loggedSum = logged.stream().mapToLong(Transfer::amount).sum();
            Long counter = books.counters().get(n.node());
            var loggedIds = logged.stream().map(Transfer::id).collect(Collectors.toSet());
            boolean agrees = counter != null && n.count() == counter && n.count() == logged.size() && n.sum() == loggedSum
                    && loggedIds.containsAll(n.last());
            checks.add(new Check(agrees, String.format(Locale.ROOT,
                    "node %s: in-memory audit (%s transfers, %s moved) == %s in etcd (%s) == its log entries (%s, %s moved)%s",
                    n.node(), Table.n(n.count()), Table.n(n.sum()), counterKey(n.node()), counter == null ? "missing"
                            : Table.n(counter), Table.n(logged.size()), Table.n(loggedSum),
                    loggedIds.containsAll(n.last()) ? "" : "; its latest ids " + n.last() + " are not all in the log")));
            String loggedDigest = digest(logged.stream().map(Transfer::id).toList());
            checks.add(new Check(n.made() == logged.size() && n.madeSum() == loggedSum && n.ids().equals(loggedDigest),
                    String.format(Locale.ROOT, "node %s: the %s transfers its callers saw succeed are its %s log entries"
                                    + " (ids digest %s %s %s: none lost, none made up)", n.node(), Table.n(n.made()),
                            Table.n(logged.size()), n.ids(), n.ids().equals(loggedDigest) ? "==" : "!=", loggedDigest)));
            checks.add(new Check(n.ok(), "node " + n.node() + (n.ok() ? ": ran to its end" : ": did not run to its end (see its output)")));
        }
        return checks;
    }

    // ------------------------------------------------------------------ the demo

    /**
     * What the demo showed.
     *
     * @param nodes each node's report (node B's parsed from its JVM's last line)
     * @param books etcd's books at the end
     * @param checks the final audit
     * @param childStatus node B's JVM's exit status, or empty if it had to be killed
     */
    record Report(List<NodeReport> nodes, Books books, List<Check> checks, Optional<Integer> childStatus) {
        boolean ok() {
            return checks.stream().allMatch(Check::ok) && childStatus.equals(Optional.of(0));
        }
    }

    /**
     * The demo: seeds the bank, starts node B in a second JVM, runs node A here, then audits.
     *
     * @param transfersPerNode how many transfers each node makes
     * @param out where to print
     * @param endpoints the cluster's client URLs
     * @return what happened
     */
    static Report run(int transfersPerNode, PrintStream out, List<String> endpoints) throws Exception {
        out.printf("Two JVMs share one bank kept by an etcd cluster (%s):%n"
                        + "%d accounts of %s under the namespace '%s'. Node A is this JVM, node B a second one it starts;%n"
                        + "each makes %s transfers of 1..%d between random accounts on %d threads. A transfer is one%n"
                        + "@Atomic method that, in one transaction, moves the amount in etcd (store.using(from, to);%n"
                        + "refused when the balance is too low), increments committed/<node> and writes log/<id> in etcd,%n"
                        + "and adds the transfer to the node's in-memory audit (@Shared fields). One etcd txn commits all%n"
                        + "of it, and the audit is published only if it succeeds. Re-runs are counted in the body (an%n"
                        + "EtcdStore keeps no statistics).%n%n",
                String.join(",", endpoints), ACCOUNTS, Table.n(OPENING_BALANCE), NAMESPACE, Table.n(transfersPerNode),
                MAX_AMOUNT, THREADS);
        try (EtcdStore store = connect(endpoints, NAMESPACE)) {
            seed(store, NODES);
            out.printf("seeded: %d accounts of %s, %s and %s at 0%n", ACCOUNTS, Table.n(OPENING_BALANCE),
                    counterKey("A"), counterKey("B"));
            List<String> args = nodeArgs("B", NODES, transfersPerNode, THREADS, NAMESPACE, endpoints);
            NodeReport a;
            Optional<Integer> status;
            Optional<String> line;
            try (ChildJvm b = ChildJvm.start("node B", DistributedBankExample.class, args, out::println)) {
                out.printf("node B: started in a second JVM, pid %d; both wait until the other is ready%n", b.pid());
                a = new Node("A", store, new Audit()).run(transfersPerNode, THREADS, NODES, out);
                status = b.await(timeFor(transfersPerNode));
                line = b.lastLine(NodeReport.PREFIX);
            }
            List<NodeReport> reports = new ArrayList<>(List.of(a));
            line.map(NodeReport::parse).ifPresent(reports::add);
            Books books = Books.of(store.export());
            List<Check> checks = new ArrayList<>(audit(books, reports));
            if (line.isEmpty()) {
                checks.add(new Check(false, "node B: its JVM printed no " + NodeReport.PREFIX.trim() + " line"));
            }
            checks.add(new Check(status.equals(Optional.of(0)), "node B: its JVM " + status.map(s -> "exited with status " + s)
                    .orElse("did not end in time and was killed")));
            Report report = new Report(reports, books, checks, status);
            printSummary(report, out);
            return report;
        }
    }

    /** The arguments of {@link #main} for one node. */
    static List<String> nodeArgs(String node, List<String> nodes, int transfers, int threads, String namespace,
                                 List<String> endpoints) {
        return List.of("node=" + node, "nodes=" + String.join(",", nodes), "transfers=" + transfers, "threads=" + threads,
                "namespace=" + namespace, "endpoints=" + String.join(",", endpoints));
    }

    private static void printSummary(Report r, PrintStream out) {
        out.println();
        Table t = new Table("", "transfers", "made", "refused", "re-runs", "audit count", "audit sum",
                "committed/<node>", "log entries");
        for (NodeReport n : r.nodes()) {
            t.row("node " + n.node(), n.transfers(), n.made(), n.refused(), n.attempts() - n.transfers(), n.count(),
                    n.sum(), Optional.<Object>ofNullable(r.books().counters().get(n.node())).orElse("missing"),
                    r.books().logOf(n.node()).size());
        }
        t.print(out);
        out.println();
        out.println("final audit (etcd at one revision, and each node's report):");
        r.checks().forEach(c -> out.println("  " + c));
    }

    /**
     * One node in a JVM of its own:
     * {@code node=B nodes=A,B transfers=100 threads=3 namespace=bank endpoints=http://127.0.0.1:2379,...}.
     * Prints its progress, then its report as the last line ({@code AUDIT node=B ...}); exits with 0
     * when it ran to its end, 1 when it did not, 2 for bad arguments.
     *
     * @param args the node's settings, as above
     * @throws Exception if the node fails unexpectedly
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            a.put(eq < 0 ? arg : arg.substring(0, eq), eq < 0 ? "" : arg.substring(eq + 1));
        }
        List<String> required = List.of("node", "nodes", "transfers", "threads", "namespace", "endpoints");
        if (!a.keySet().containsAll(required) || !Stm.isAgentActive()) {
            System.err.println("usage: java -javaagent:stm-agent.jar -cp ... " + DistributedBankExample.class.getName() + " "
                    + String.join(" ", required.stream().map(k -> k + "=...").toList())
                    + (Stm.isAgentActive() ? "" : " (and the stm4j agent: none is active)"));
            System.exit(2);
        }
        // the JVM that started this one may die without killing it (SIGKILL): then this one ends too
        ProcessHandle.current().parent().ifPresent(p -> p.onExit().thenRun(() -> {
            System.err.println("node " + a.get("node") + ": the JVM that started this one has gone; stopping");
            Runtime.getRuntime().halt(3);
        }));
        NodeReport report;
        try (EtcdStore store = connect(List.of(a.get("endpoints").split(",")), a.get("namespace"))) {
            Node node = new Node(a.get("node"), store, new Audit());
            report = node.run(Integer.parseInt(a.get("transfers")), Integer.parseInt(a.get("threads")),
                    List.of(a.get("nodes").split(",")), System.out);
        }
        System.out.println(report.line());
        System.out.flush();
        System.exit(report.ok() ? 0 : 1);
    }
}
