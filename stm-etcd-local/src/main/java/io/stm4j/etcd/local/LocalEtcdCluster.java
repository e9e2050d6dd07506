package io.stm4j.etcd.local;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A local etcd cluster of 1 to {@value #MAX_MEMBERS} members (3 normally) on loopback ports, each an
 * {@code etcd} process that this object started and stops by PID, for tests, examples and benchmarks.
 *
 * <p><b>Start.</b> {@link #start(int)} picks free ports on 127.0.0.1 (the kernel's choice, by binding
 * to port 0), makes a fresh temporary directory per member for its data and its log ({@code etcd.log}),
 * starts the members with a unique {@code --initial-cluster-token}, and returns once every member
 * answers {@code /v3/maintenance/status} and all name the same leader, or throws within
 * {@link #DEFAULT_TIMEOUT}. A member that finds its port taken meanwhile makes it start over on new
 * ports (3 attempts in all). About half a second for 3 members on 2 cores.
 *
 * <p><b>Flags.</b> Besides the addresses: {@code --heartbeat-interval 50 --election-timeout 500} (a
 * leader in well under a second, a new one about half a second after the old one dies), {@code
 * --quota-backend-bytes} 256 MiB (a runaway test fills that, not the disk), {@code --logger zap
 * --log-level warn --log-outputs stderr} (the log file holds what went wrong, not every request), and
 * {@code --unsafe-no-fsync} where the binary has it (3.4.14 and later, 3.5): a test cluster's data need
 * not survive a power cut. Auto-compaction stays off: tests compact explicitly. Members' environment has
 * no {@code ETCD_*} variables, which etcd would read as flags.
 *
 * <p><b>Faults.</b> {@link #kill} (SIGKILL), {@link #stop} (SIGTERM), {@link #restart} (the same member
 * with the same data and ports), {@link #pause} and {@link #resume} (SIGSTOP and SIGCONT: alive but
 * silent). Each acts on one member and returns once the process is in the state asked for. Member
 * indexes are 0-based, in the order of {@link #endpoints()}.
 *
 * <p><b>Clean-up.</b> {@link #close()} kills every member still running, waits for each to exit and
 * deletes the data. If the JVM exits without {@code close()}, a shutdown hook kills the members and
 * deletes their data. If the JVM dies without running its hooks (SIGKILL, a crash), the next
 * {@code start} in any JVM of the same PID namespace finds that cluster's directory under {@code
 * java.io.tmpdir}, sees that the JVM that wrote it is gone, kills its members and deletes it.
 *
 * <p><b>Where it stops.</b> Linux only (signals by PID, {@code /proc}). Loopback only, plain HTTP, no
 * authentication. Not for production data: no fsync, data deleted on close. Every wait is bounded, and
 * every failure is an {@link IllegalStateException} whose message names the member, its PID and ports,
 * and the last lines of its log. The methods are thread-safe; the fault methods run one at a time.
 */
public final class LocalEtcdCluster implements AutoCloseable {
    /** The system property that names the etcd binary; it wins over {@value #BINARY_ENV} and the PATH. */
    public static final String BINARY_PROPERTY = "stm4j.etcd.binary";
    /** The environment variable that names the etcd binary when {@value #BINARY_PROPERTY} is not set. */
    public static final String BINARY_ENV = "ETCD_BINARY";
    /** How long {@link #start}, {@link #leader()} and {@link #restart} wait: 20 s. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);
    /** The most members {@link #start} accepts. */
    public static final int MAX_MEMBERS = 7;

    static final System.Logger LOG = System.getLogger("io.stm4j.etcd.local");
    /** What to do when no etcd binary is found; part of every such message. */
    static final String INSTALL_HINT = "install etcd (Debian, Ubuntu: sudo apt-get install etcd-server), or point the "
            + "system property " + BINARY_PROPERTY + " or the environment variable " + BINARY_ENV + " at an etcd binary";

    private static final String ROOT_PREFIX = "stm4j-etcd-local-";
    private static final String OWNER_FILE = "owner";
    private static final int START_ATTEMPTS = 3;
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration STOP_GRACE = Duration.ofSeconds(15);
    private static final Duration SIGNAL_TIMEOUT = Duration.ofSeconds(5);
    private static final long POLL_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(25);
    private static final int LOG_HEAD_LINES = 3;
    private static final int LOG_TAIL_LINES = 12;
    private static final List<String> TUNING = List.of(
            "--heartbeat-interval", "50", "--election-timeout", "500",
            "--quota-backend-bytes", String.valueOf(256L << 20),
            "--logger", "zap", "--log-level", "warn", "--log-outputs", "stderr");
    /** Flags that this class sets from its own state; one of them in extra arguments would break it. */
    private static final Set<String> MANAGED_FLAGS = Set.of("--name", "--data-dir", "--wal-dir",
            "--listen-client-urls", "--advertise-client-urls", "--listen-peer-urls", "--initial-advertise-peer-urls",
            "--initial-cluster", "--initial-cluster-state", "--initial-cluster-token", "--log-outputs",
            "--config-file", "--discovery", "--discovery-srv", "--force-new-cluster", "--proxy");
    private static final Map<Path, Boolean> NO_FSYNC_SUPPORT = new ConcurrentHashMap<>();

    private final Path etcd;
    private final Path root;
    private final List<String> extraArgs;
    private final String token = "stm4j-" + UUID.randomUUID();
    private final Member[] members;
    private final List<String> endpoints;
    private final String initialCluster;
    private final Thread killOnExit = new Thread(this::killForExit, "stm4j-etcd-kill-on-exit");
    private boolean closed; // guarded by this

    /** One etcd process's fixed identity and its current process. */
    private static final class Member {
        final int index;
        final String name;
        final int clientPort;
        final int peerPort;
        final Path dir;
        volatile Process process;
        volatile boolean paused;
        /** set by kill and stop, cleared by a launch: its exit is no failure */
        volatile boolean downOnPurpose;

        Member(int index, int clientPort, int peerPort, Path dir) {
            this.index = index;
            this.name = "member-" + index;
            this.clientPort = clientPort;
            this.peerPort = peerPort;
            this.dir = dir;
        }

        String endpoint() {
            return "http://127.0.0.1:" + clientPort;
        }

        String peerUrl() {
            return "http://127.0.0.1:" + peerPort;
        }

        Path dataDir() {
            return dir.resolve("data");
        }

        Path log() {
            return dir.resolve("etcd.log");
        }

        boolean running() {
            Process p = process;
            return p != null && p.isAlive();
        }
    }

    private LocalEtcdCluster(Path etcd, int size, List<String> extraArgs) {
        this.etcd = etcd;
        this.extraArgs = extraArgs;
        int[] ports = freeLoopbackPorts(2 * size);
        this.members = new Member[size];
        try {
            this.root = Files.createTempDirectory(ROOT_PREFIX);
        } catch (IOException e) {
            throw new UncheckedIOException("could not make a directory for a local etcd cluster in "
                    + System.getProperty("java.io.tmpdir"), e);
        }
        try {
            for (int i = 0; i < size; i++) {
                members[i] = new Member(i, ports[2 * i], ports[2 * i + 1], Files.createDirectory(root.resolve("member-" + i)));
            }
            // written last: a directory with an owner file is complete, and a later start may reap it once we are gone
            ProcessHandle self = ProcessHandle.current();
            Files.writeString(root.resolve(OWNER_FILE), self.pid() + " "
                    + self.info().startInstant().map(t -> t.toEpochMilli()).orElse(0L) + " " + pidNamespace());
        } catch (IOException e) {
            UncheckedIOException failure = new UncheckedIOException("could not make the member directories in " + root, e);
            try {
                deleteRecursively(root);
            } catch (IOException again) {
                failure.addSuppressed(again);
            }
            throw failure;
        }
        this.endpoints = Arrays.stream(members).map(Member::endpoint).collect(Collectors.toUnmodifiableList());
        this.initialCluster = Arrays.stream(members).map(m -> m.name + "=" + m.peerUrl()).collect(Collectors.joining(","));
        Runtime.getRuntime().addShutdownHook(killOnExit);
    }

    /**
     * Starts a cluster of {@code members} members with this class's flags; see {@link #start(int, List)}.
     *
     * @param members 1 to {@value #MAX_MEMBERS}; 3 normally (1 has no failover, an even count no benefit)
     * @return a healthy cluster: every member answers and all agree on a leader
     * @throws IllegalStateException no etcd binary (the message says how to install it), or a member that
     *     exited or no agreed leader within {@link #DEFAULT_TIMEOUT} (the message names the member, its
     *     ports and its log's last lines); nothing of the attempt is left running or on disk
     */
    public static LocalEtcdCluster start(int members) {
        return start(members, List.of());
    }

    /**
     * Starts a cluster of {@code members} members with this class's flags followed by {@code extraArgs}
     * (etcd takes the last of a repeated flag, so these may override {@code --election-timeout} or
     * {@code --quota-backend-bytes}, and add {@code --max-txn-ops} or {@code --auto-compaction-retention}).
     * Kept for {@link #restart}. Waits as {@link #awaitHealthy} does, for at most {@link #DEFAULT_TIMEOUT};
     * a member that could not bind its port starts the whole attempt over on other ports, 3 attempts in all.
     *
     * @param members 1 to {@value #MAX_MEMBERS}
     * @param extraArgs more etcd flags, none of the ones this class sets itself (names, directories, URLs,
     *     {@code --initial-cluster*}, {@code --log-outputs})
     * @throws IllegalArgumentException a member count out of range, or an extra argument that is a managed flag
     * @throws IllegalStateException as {@link #start(int)}
     */
    public static LocalEtcdCluster start(int members, List<String> extraArgs) {
        if (members < 1 || members > MAX_MEMBERS) {
            throw new IllegalArgumentException("a local etcd cluster has 1 to " + MAX_MEMBERS + " members, not " + members);
        }
        List<String> extra = List.copyOf(extraArgs);
        for (String arg : extra) {
            if (MANAGED_FLAGS.contains(arg.split("=", 2)[0])) {
                throw new IllegalArgumentException(arg + ": LocalEtcdCluster sets this flag itself");
            }
        }
        Path etcd = etcdBinary().orElseThrow(() -> new IllegalStateException(binaryNotFound() + "; " + INSTALL_HINT));
        reapOrphans();
        PortTakenException portTaken = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            long began = System.nanoTime();
            LocalEtcdCluster cluster = new LocalEtcdCluster(etcd, members, extra);
            try {
                for (Member m : cluster.members) {
                    cluster.launch(m, "new");
                }
                cluster.awaitHealthy(DEFAULT_TIMEOUT);
                LOG.log(DEBUG, "started {0} etcd members in {1} ms: {2}", members,
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began), cluster.endpoints);
                return cluster;
            } catch (PortTakenException e) {
                portTaken = e;
                LOG.log(WARNING, "attempt {0} of {1} to start a local etcd cluster: {2}; trying other ports",
                        attempt, START_ATTEMPTS, e.getMessage());
                cluster.closeAfter(e);
            } catch (RuntimeException | Error e) {
                cluster.closeAfter(e);
                throw e;
            }
        }
        throw new IllegalStateException("each of " + START_ATTEMPTS + " attempts to start a local etcd cluster found a "
                + "port taken; the last: " + portTaken.getMessage(), portTaken);
    }

    /**
     * The etcd binary to run: the system property {@value #BINARY_PROPERTY} if set, else the environment
     * variable {@value #BINARY_ENV} if set, else {@code etcd} on the {@code PATH}, else {@code /usr/bin/etcd}.
     * A property or variable that is set but names no executable file gives empty: what was asked for is
     * not there, and another etcd found elsewhere would hide that.
     *
     * @return the binary, or empty if there is none
     */
    public static Optional<Path> etcdBinary() {
        String configured = System.getProperty(BINARY_PROPERTY);
        if (configured == null || configured.isBlank()) {
            configured = System.getenv(BINARY_ENV);
        }
        if (configured != null && !configured.isBlank()) {
            Path p = Path.of(configured);
            return Files.isRegularFile(p) && Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        String path = System.getenv("PATH");
        Stream<Path> candidates = Stream.concat(
                path == null ? Stream.empty() : Arrays.stream(path.split(File.pathSeparator))
                        .filter(d -> !d.isEmpty()).map(d -> Path.of(d, "etcd")),
                Stream.of(Path.of("/usr/bin/etcd")));
        return candidates.filter(p -> Files.isRegularFile(p) && Files.isExecutable(p)).findFirst();
    }

    /** Why {@link #etcdBinary()} found nothing: where it looked. */
    static String binaryNotFound() {
        String property = System.getProperty(BINARY_PROPERTY);
        if (property != null && !property.isBlank()) {
            return "no etcd binary: the system property " + BINARY_PROPERTY + " names " + property
                    + ", which is not an executable file";
        }
        String env = System.getenv(BINARY_ENV);
        if (env != null && !env.isBlank()) {
            return "no etcd binary: the environment variable " + BINARY_ENV + " names " + env
                    + ", which is not an executable file";
        }
        return "no etcd binary: no etcd on the PATH nor at /usr/bin/etcd";
    }

    /** The number of members, running or not. */
    public int size() {
        return members.length;
    }

    /**
     * The members' client URLs ({@code http://127.0.0.1:PORT}) in member order; fixed for the cluster's life,
     * restarts included. Give them all to a client: any member answers, the one it asks may be down.
     */
    public List<String> endpoints() {
        return endpoints;
    }

    /** The client URL of {@code member} (0-based). */
    public String endpoint(int member) {
        return member(member).endpoint();
    }

    /** The directory that holds {@code member}'s data ({@code data/}) and its log ({@code etcd.log}); deleted by {@link #close()}. */
    public Path memberDir(int member) {
        return member(member).dir;
    }

    /**
     * The PID of {@code member}'s current process (a new one after {@link #restart}).
     *
     * @throws IllegalStateException the member was never started (cannot happen after {@link #start})
     */
    public long pid(int member) {
        Process p = member(member).process;
        if (p == null) {
            throw new IllegalStateException(member(member).name + " has no process");
        }
        return p.pid();
    }

    /** Whether {@code member}'s process is alive; a paused member is running. */
    public boolean isRunning(int member) {
        return member(member).running();
    }

    /** Whether {@code member} is running and stopped by {@link #pause} (SIGSTOP) and not yet resumed. */
    public boolean isPaused(int member) {
        Member m = member(member);
        return m.paused && m.running();
    }

    /**
     * The index of the current leader, waiting up to {@link #DEFAULT_TIMEOUT} for one: {@code
     * awaitLeader(DEFAULT_TIMEOUT)}. Right after a {@link #kill} of the leader this is the new leader.
     *
     * @throws IllegalStateException no leader that a majority agrees on in time (the message has every member's state)
     */
    public int leader() {
        return awaitLeader(DEFAULT_TIMEOUT);
    }

    /**
     * Waits until a majority of all members are running, not paused, answer {@code /v3/maintenance/status},
     * and name the same leader, which is one of them; then returns that leader's index. Members outside
     * the majority (down, paused, or restarted and still catching up) do not delay it.
     *
     * @throws IllegalStateException not so within {@code timeout}, or a member exited that was not killed
     *     or stopped on purpose; the message names the members and their log tails
     */
    public int awaitLeader(Duration timeout) {
        return awaitAgreement(timeout, false);
    }

    /**
     * Waits until every member that is running and not paused answers {@code /v3/maintenance/status} and
     * all name the same leader, which is one of them. Members killed, stopped or paused are not waited for:
     * after {@link #restart} this waits for the restarted member too.
     *
     * @throws IllegalStateException not so within {@code timeout}, or a member exited that was not killed
     *     or stopped on purpose; the message names the members and their log tails
     */
    public void awaitHealthy(Duration timeout) {
        awaitAgreement(timeout, true);
    }

    /**
     * Kills {@code member} with SIGKILL ({@link Process#destroyForcibly()}, which is SIGKILL on Linux) and
     * waits until its process has exited. Its data stays for {@link #restart}.
     *
     * @throws IllegalStateException the member is not running, or still runs 10 s later
     */
    public synchronized void kill(int member) {
        Member m = running(member);
        m.downOnPurpose = true;
        m.process.destroyForcibly();
        awaitExit(m, EXIT_TIMEOUT, "SIGKILL");
        m.paused = false;
    }

    /**
     * Stops {@code member} with SIGTERM (etcd's graceful stop: a leader first hands its leadership over) and
     * waits up to 15 s for it to exit. A paused member is continued after the SIGTERM so that it can act on it.
     *
     * @throws IllegalStateException the member is not running, or did not exit within 15 s of SIGTERM (it is
     *     then killed with SIGKILL before this throws)
     */
    public synchronized void stop(int member) {
        Member m = running(member);
        m.downOnPurpose = true;
        m.process.destroy();
        if (m.paused) {
            signal(m, "CONT");
        }
        if (!waitFor(m.process, STOP_GRACE)) {
            m.process.destroyForcibly();
            awaitExit(m, EXIT_TIMEOUT, "SIGKILL");
            throw new IllegalStateException(describeWithLog(m) + "\ndid not exit within " + STOP_GRACE.toSeconds()
                    + " s of SIGTERM; killed it with SIGKILL");
        }
        m.paused = false;
    }

    /**
     * Starts {@code member} again, killed or stopped before, with the same name, ports and data ({@code
     * --initial-cluster-state existing}), and waits up to {@link #DEFAULT_TIMEOUT} until it answers {@code
     * /v3/maintenance/status}, which etcd does once it has rejoined the cluster. It may still be catching up
     * then: {@link #awaitHealthy} waits until it agrees on the leader too. Its log goes on in the same file.
     *
     * @throws IllegalStateException the member is running, or it exited or did not answer in time (its port
     *     taken meanwhile, say; the message has its log tail)
     */
    public synchronized void restart(int member) {
        Member m = member(member);
        ensureOpen();
        if (m.running()) {
            throw new IllegalStateException(describe(m) + " is running: kill or stop it before restart");
        }
        launch(m, "existing");
        poll(DEFAULT_TIMEOUT, () -> {
            failIfDied(m);
            return status(m).isPresent() ? Boolean.TRUE : null;
        }, () -> describeWithLog(m) + "\ndid not answer /v3/maintenance/status within " + DEFAULT_TIMEOUT.toSeconds()
                + " s of its restart");
    }

    /**
     * Stops {@code member}'s process with SIGSTOP (through {@code kill -STOP PID}) and waits until the
     * kernel reports it stopped: it keeps its ports and connections but answers nothing, as a member that
     * hangs or is cut off. Its peers elect another leader if it led. Undone by {@link #resume}; {@link
     * #kill}, {@link #stop} and {@link #close()} work on a paused member.
     *
     * @throws IllegalStateException the member is not running or already paused, or {@code kill} failed
     */
    public synchronized void pause(int member) {
        Member m = running(member);
        if (m.paused) {
            throw new IllegalStateException(describe(m) + " is paused already");
        }
        signal(m, "STOP");
        m.paused = true;
    }

    /**
     * Continues a {@link #pause paused} {@code member} with SIGCONT and waits until the kernel reports it
     * running again. It then catches up with its peers by itself; {@link #awaitHealthy} waits for that.
     *
     * @throws IllegalStateException the member is not paused, or {@code kill} failed
     */
    public synchronized void resume(int member) {
        Member m = running(member);
        if (!m.paused) {
            throw new IllegalStateException(describe(m) + " is not paused");
        }
        signal(m, "CONT");
        m.paused = false;
    }

    /**
     * Kills every member still running (SIGKILL: the data is deleted next, so a graceful stop buys
     * nothing), waits for each to exit, deletes the data directories and removes the shutdown hook.
     * Idempotent.
     *
     * @throws IllegalStateException a member still ran 10 s after SIGKILL, or the data
     *     could not be deleted (everything else was still done)
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        IllegalStateException failure = null;
        for (Member m : members) {
            Process p = m.process;
            if (p != null && p.isAlive()) {
                p.destroyForcibly();
                if (!waitFor(p, EXIT_TIMEOUT)) {
                    failure = chain(failure, new IllegalStateException(describeWithLog(m) + "\nstill runs "
                            + EXIT_TIMEOUT.toSeconds() + " s after SIGKILL"));
                }
            }
        }
        try {
            deleteRecursively(root);
        } catch (IOException e) {
            failure = chain(failure, new IllegalStateException("could not delete " + root, e));
        }
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException e) {
            // the JVM is exiting: the hook runs or ran anyway, and finds the members gone
            LOG.log(DEBUG, "JVM exiting; the shutdown hook of cluster " + root + " stays", e);
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** One line of this cluster's endpoints and members' states, for logs. */
    @Override
    public String toString() {
        return "LocalEtcdCluster" + Arrays.stream(members)
                .map(m -> m.name + "=" + m.endpoint() + (m.running() ? m.paused ? " paused" : "" : " down"))
                .collect(Collectors.joining(", ", "[", "]"));
    }

    /**
     * Runs a cluster in the foreground for scripts and manual use: {@code java -cp stm-etcd-local.jar
     * io.stm4j.etcd.local.LocalEtcdCluster [MEMBERS] [--pids FILE] [--until-killed]}. Prints {@code
     * ENDPOINTS=http://127.0.0.1:a,...} and {@code PIDS=p,...} on standard output once the cluster is
     * healthy (and writes the PIDs to FILE, comma-separated), then runs until standard input ends (or, with
     * {@code --until-killed}, until SIGTERM or SIGINT), and kills the members on the way out, SIGTERM and
     * Ctrl-C included. {@code etcd-cluster.sh} does the same in pure bash and leaves the members in the
     * background.
     *
     * @param args {@code [MEMBERS] [--pids FILE] [--until-killed]}; MEMBERS defaults to 3
     * @throws Exception a start failure (exit status 1 with the message) or bad arguments (status 2)
     */
    public static void main(String[] args) throws Exception {
        int size = 3;
        Path pidFile = null;
        boolean untilKilled = false;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--pids") && i + 1 < args.length) {
                pidFile = Path.of(args[++i]);
            } else if (args[i].equals("--until-killed")) {
                untilKilled = true;
            } else if (args[i].matches("[1-9]")) {
                size = Integer.parseInt(args[i]);
            } else {
                System.err.println("usage: LocalEtcdCluster [MEMBERS] [--pids FILE] [--until-killed]  (got: "
                        + String.join(" ", args) + ")");
                System.exit(2);
            }
        }
        try (LocalEtcdCluster cluster = start(size)) {
            String pids = Arrays.stream(cluster.members).map(m -> String.valueOf(m.process.pid()))
                    .collect(Collectors.joining(","));
            if (pidFile != null) {
                Files.writeString(pidFile, pids + "\n");
            }
            System.out.println("ENDPOINTS=" + String.join(",", cluster.endpoints()));
            System.out.println("PIDS=" + pids);
            System.out.flush();
            if (untilKilled) {
                // SIGTERM and SIGINT run the shutdown hook, which kills the members
                new CountDownLatch(1).await();
            }
            // what is typed is dropped: only the end of standard input stops the cluster
            System.in.transferTo(OutputStream.nullOutputStream());
        }
    }

    // ---- internals ----

    /** A member exited at start because its port was taken meanwhile: start over on other ports. */
    private static final class PortTakenException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        PortTakenException(String message) {
            super(message);
        }
    }

    /** What one poll of the members found: the leader's index, or -1 and why there is none yet. */
    private record Agreement(int leader, String problem) {
    }

    /** A member's answer to {@code /v3/maintenance/status}: its own id and the leader's (0: none). */
    private record Status(long memberId, long leaderId) {
    }

    /** One attempt of a {@link #poll}: a value when done, null to try again. */
    @FunctionalInterface
    interface Attempt<T> {
        T attempt();
    }

    private Member member(int index) {
        if (index < 0 || index >= members.length) {
            throw new IndexOutOfBoundsException("member " + index + " of a cluster of " + members.length);
        }
        return members[index];
    }

    private Member running(int index) {
        Member m = member(index);
        ensureOpen();
        if (!m.running()) {
            throw new IllegalStateException(describe(m) + " is not running");
        }
        return m;
    }

    private synchronized void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("this local etcd cluster is closed");
        }
    }

    private void launch(Member m, String clusterState) {
        List<String> command = new ArrayList<>(List.of(etcd.toString(),
                "--name", m.name, "--data-dir", m.dataDir().toString(),
                "--listen-client-urls", m.endpoint(), "--advertise-client-urls", m.endpoint(),
                "--listen-peer-urls", m.peerUrl(), "--initial-advertise-peer-urls", m.peerUrl(),
                "--initial-cluster", initialCluster, "--initial-cluster-state", clusterState,
                "--initial-cluster-token", token));
        command.addAll(TUNING);
        if (supportsNoFsync(etcd)) {
            command.add("--unsafe-no-fsync");
        }
        command.addAll(extraArgs);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(m.log().toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        // etcd reads ETCD_<FLAG> variables as flags (ETCD_BINARY among them would only be warned about)
        builder.environment().keySet().removeIf(k -> k.startsWith("ETCD_"));
        try {
            m.process = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException(describe(m) + ": could not run " + etcd, e);
        }
        m.downOnPurpose = false;
        m.paused = false;
        LOG.log(DEBUG, "started {0}", describe(m));
    }

    /** Whether {@code etcd} accepts {@code --unsafe-no-fsync}: etcd exits 2 on a flag it does not know. */
    private static boolean supportsNoFsync(Path etcd) {
        return NO_FSYNC_SUPPORT.computeIfAbsent(etcd, binary -> {
            try {
                Process p = new ProcessBuilder(binary.toString(), "--unsafe-no-fsync", "--version")
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (!p.waitFor(SIGNAL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                    LOG.log(WARNING, "{0} --version did not exit within {1} s; running without --unsafe-no-fsync",
                            binary, SIGNAL_TIMEOUT.toSeconds());
                    return false;
                }
                return p.exitValue() == 0;
            } catch (IOException e) {
                LOG.log(WARNING, "could not run " + binary + " --version; running without --unsafe-no-fsync", e);
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while asking " + binary + " for its flags", e);
            }
        });
    }

    private int awaitAgreement(Duration timeout, boolean everyRunningMember) {
        ensureOpen();
        String[] lastProblem = {"no member asked yet"};
        return poll(timeout, () -> {
            Agreement a = agreement(everyRunningMember);
            lastProblem[0] = a.problem();
            return a.leader() >= 0 ? a.leader() : null;
        }, () -> "no leader that " + (everyRunningMember ? "every running member" : "a majority of the members")
                + " agrees on within " + timeout.toMillis() + " ms; last: " + lastProblem[0] + "\n" + describeAll());
    }

    /** Asks every running, unpaused member its status once. */
    private Agreement agreement(boolean everyRunningMember) {
        Map<Long, Integer> votes = new HashMap<>();
        Map<Long, Member> answered = new HashMap<>();
        List<String> problems = new ArrayList<>();
        int asked = 0;
        for (Member m : members) {
            failIfDied(m);
            if (!m.running() || m.paused) {
                continue;
            }
            asked++;
            Optional<Status> s = status(m);
            if (s.isEmpty()) {
                problems.add(m.name + " does not answer");
                continue;
            }
            answered.put(s.get().memberId(), m);
            votes.merge(s.get().leaderId(), 1, Integer::sum);
        }
        int needed = everyRunningMember ? Math.max(asked, 1) : members.length / 2 + 1;
        for (Map.Entry<Long, Integer> vote : votes.entrySet()) {
            Member leader = answered.get(vote.getKey());
            if (vote.getKey() != 0 && leader != null && vote.getValue() >= needed) {
                return new Agreement(leader.index, "");
            }
        }
        problems.add(asked + " running, unpaused members asked, " + answered.size() + " answered, leader ids named "
                + votes + ", " + needed + " needed to agree on one of them");
        return new Agreement(-1, String.join("; ", problems));
    }

    /** The member's status, or empty if it does not answer within {@link Gateway#CALL_TIMEOUT}. */
    private Optional<Status> status(Member m) {
        try {
            String body = Gateway.post(m.endpoint(), "/v3/maintenance/status", "{}", Gateway.CALL_TIMEOUT);
            return Optional.of(new Status(Gateway.unsignedField(body, "member_id"), Gateway.unsignedField(body, "leader")));
        } catch (IOException e) {
            // not up yet, restarting, or electing: the caller polls again and reports the last state at its timeout
            LOG.log(DEBUG, "{0}: no status: {1}", m.name, e);
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking " + describe(m) + " for its status", e);
        }
    }

    /** Throws if {@code m}'s process has exited although nobody killed or stopped it. */
    private void failIfDied(Member m) {
        Process p = m.process;
        if (p == null || p.isAlive() || m.downOnPurpose) {
            return;
        }
        String tail = logTail(m);
        String message = describe(m) + " exited with status " + p.exitValue() + "; its log " + m.log() + ":\n"
                + tail;
        if (tail.contains("address already in use")) {
            throw new PortTakenException(message);
        }
        throw new IllegalStateException(message);
    }

    /** Sends {@code kill -SIGNAL PID} and waits until {@code /proc} shows the process stopped (STOP) or not (CONT). */
    private void signal(Member m, String signal) {
        long pid = m.process.pid();
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(pid)).redirectErrorStream(true).start();
            String output;
            try (InputStream out = kill.getInputStream()) {
                output = new String(out.readAllBytes(), StandardCharsets.UTF_8).trim();
            }
            if (!kill.waitFor(SIGNAL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                kill.destroyForcibly();
                throw new IllegalStateException(describe(m) + ": kill -" + signal + " did not return within "
                        + SIGNAL_TIMEOUT.toSeconds() + " s");
            }
            if (kill.exitValue() != 0) {
                throw new IllegalStateException(describe(m) + ": kill -" + signal + " failed with status "
                        + kill.exitValue() + ": " + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException(describe(m) + ": could not run kill -" + signal, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending SIG" + signal + " to " + describe(m), e);
        }
        boolean stop = signal.equals("STOP");
        poll(SIGNAL_TIMEOUT, () -> {
            char state = processState(pid);
            return (state == 'T' || state == 't') == stop ? Boolean.TRUE : null;
        }, () -> describe(m) + " is in state " + processState(pid) + " " + SIGNAL_TIMEOUT.toSeconds()
                + " s after SIG" + signal);
    }

    /**
     * The state letter of process {@code pid} in {@code /proc/PID/stat} (R, S, D, T, t, Z, ...), or {@code '?'}
     * if there is no such process. A zombie ('Z') has exited; only its parent has not reaped it yet.
     */
    static char processState(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            // the command name in parentheses may hold spaces and parentheses: the state follows the last ')'
            int close = stat.lastIndexOf(')');
            return close >= 0 && close + 2 < stat.length() ? stat.charAt(close + 2) : '?';
        } catch (NoSuchFileException e) {
            return '?';
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the state of process " + pid, e);
        }
    }

    private void awaitExit(Member m, Duration timeout, String signal) {
        if (!waitFor(m.process, timeout)) {
            throw new IllegalStateException(describeWithLog(m) + "\nstill runs " + timeout.toSeconds() + " s after " + signal);
        }
    }

    private static boolean waitFor(Process p, Duration timeout) {
        try {
            return p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for etcd process " + p.pid() + " to exit", e);
        }
    }

    /**
     * Calls {@code attempt} until it gives a value, pausing briefly between calls, for at most {@code timeout};
     * then throws with {@code timeoutMessage}. Exceptions of {@code attempt} end the wait.
     */
    static <T> T poll(Duration timeout, Attempt<T> attempt, Supplier<String> timeoutMessage) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            T value = attempt.attempt();
            if (value != null) {
                return value;
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new IllegalStateException(timeoutMessage.get());
            }
            LockSupport.parkNanos(POLL_PAUSE_NANOS);
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting: " + timeoutMessage.get());
            }
        }
    }

    private String describe(Member m) {
        Process p = m.process;
        return m.name + " (pid " + (p == null ? "none" : String.valueOf(p.pid())) + ", client " + m.endpoint()
                + ", peer port " + m.peerPort + (m.paused ? ", paused" : "") + ")";
    }

    private String describeWithLog(Member m) {
        return describe(m) + "; its log " + m.log() + ":\n" + logTail(m);
    }

    private String describeAll() {
        return Arrays.stream(members).map(m -> describe(m) + (m.running() ? "" : " not running") + "; its log:\n"
                + logTail(m)).collect(Collectors.joining("\n"));
    }

    /**
     * The member's log for a failure message, indented: its first {@value #LOG_HEAD_LINES} lines (where etcd says
     * why it would not start, before its usage text), then its last {@value #LOG_TAIL_LINES}.
     */
    private static String logTail(Member m) {
        try (RandomAccessFile file = new RandomAccessFile(m.log().toFile(), "r")) {
            long length = file.length();
            List<String> head = readLines(file, 0, Math.min(length, 8192));
            // a long log: its head and its last 8 KiB, less the line that each piece cuts in two
            List<String> tail = length <= 8192 ? head : readLines(file, length - 8192, 8192);
            if (length > 8192) {
                head = head.subList(0, head.size() - 1);
                tail = tail.subList(1, tail.size());
            }
            List<String> lines = new ArrayList<>(head.subList(0, Math.min(LOG_HEAD_LINES, head.size())));
            int tailFrom = Math.max(length <= 8192 ? lines.size() : 0, tail.size() - LOG_TAIL_LINES);
            if (length > 8192 || tailFrom > lines.size()) {
                lines.add("...");
            }
            lines.addAll(tail.subList(Math.min(tailFrom, tail.size()), tail.size()));
            return lines.isEmpty() ? "    (empty)" : lines.stream().map(l -> "    " + l).collect(Collectors.joining("\n"));
        } catch (IOException e) {
            return "    (could not read " + m.log() + ": " + e + ")";
        }
    }

    private static List<String> readLines(RandomAccessFile file, long from, long size) throws IOException {
        byte[] bytes = new byte[(int) size];
        file.seek(from);
        file.readFully(bytes);
        String text = new String(bytes, StandardCharsets.UTF_8);
        return text.isEmpty() ? List.of() : List.of(text.split("\n"));
    }

    /** Ports free on 127.0.0.1 now, distinct: all bound at once, then released for etcd to take. */
    private static int[] freeLoopbackPorts(int count) {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            InetAddress loopback = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
            for (int i = 0; i < count; i++) {
                ServerSocket s = new ServerSocket();
                sockets.add(s);
                s.bind(new InetSocketAddress(loopback, 0));
            }
            return sockets.stream().mapToInt(ServerSocket::getLocalPort).toArray();
        } catch (IOException e) {
            throw new UncheckedIOException("could not find free ports on 127.0.0.1", e);
        } finally {
            for (ServerSocket s : sockets) {
                try {
                    s.close();
                } catch (IOException e) {
                    LOG.log(WARNING, "could not close a probe socket on port " + s.getLocalPort(), e);
                }
            }
        }
    }

    /** Closes a cluster whose start failed with {@code cause}, adding any failure of the close to it. */
    private void closeAfter(Throwable cause) {
        try {
            close();
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    private static IllegalStateException chain(IllegalStateException first, IllegalStateException next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }

    /** The shutdown hook: kills what close() would have. No logging: JUL's own hook may have closed its handlers. */
    private void killForExit() {
        for (Member m : members) {
            Process p = m.process;
            if (p != null && p.isAlive()) {
                p.destroyForcibly();
            }
        }
        for (Member m : members) {
            Process p = m.process;
            try {
                if (p != null && !p.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    System.err.println("stm4j: etcd " + describe(m) + " still runs after SIGKILL at JVM exit");
                }
            } catch (InterruptedException e) {
                System.err.println("stm4j: interrupted while killing etcd " + describe(m) + " at JVM exit");
                Thread.currentThread().interrupt();
                return;
            }
        }
        try {
            deleteRecursively(root);
        } catch (IOException e) {
            System.err.println("stm4j: could not delete the etcd data in " + root + " at JVM exit: " + e);
        }
    }

    /** The inode of this process's PID namespace: PIDs in an owner file mean something only within it. */
    private static String pidNamespace() {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString();
        } catch (IOException | UnsupportedOperationException e) {
            LOG.log(DEBUG, "no PID namespace to record; clusters left by a dead JVM will not be reaped", e);
            return "unknown";
        }
    }

    /**
     * Kills the members and deletes the directory of every cluster under {@code java.io.tmpdir} whose JVM, in
     * this PID namespace, is gone: one that died without running its shutdown hooks.
     */
    private static void reapOrphans() {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        String namespace = pidNamespace();
        if (namespace.equals("unknown")) {
            return;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(tmp, ROOT_PREFIX + "*")) {
            for (Path dir : dirs) {
                if (isOrphan(dir, namespace)) {
                    reap(dir);
                }
            }
        } catch (IOException e) {
            LOG.log(WARNING, "could not look for clusters left by dead JVMs in " + tmp, e);
        }
    }

    private static boolean isOrphan(Path dir, String namespace) throws IOException {
        String[] owner;
        try {
            owner = Files.readString(dir.resolve(OWNER_FILE)).trim().split(" ");
        } catch (NoSuchFileException e) {
            return false; // being made right now, or not ours
        }
        if (owner.length != 3 || !owner[2].equals(namespace) || !owner[0].matches("\\d+") || !owner[1].matches("\\d+")) {
            return false;
        }
        long start = Long.parseLong(owner[1]);
        return ProcessHandle.of(Long.parseLong(owner[0]))
                .flatMap(h -> h.info().startInstant())
                .map(t -> t.toEpochMilli() != start)
                .orElse(true);
    }

    private static void reap(Path dir) throws IOException {
        String prefix = dir.toString() + File.separator;
        List<ProcessHandle> left = ProcessHandle.allProcesses()
                .filter(h -> h.info().arguments().map(a -> Arrays.stream(a).anyMatch(s -> s.startsWith(prefix))).orElse(false))
                .collect(Collectors.toList());
        for (ProcessHandle h : left) {
            h.destroyForcibly();
        }
        for (ProcessHandle h : left) {
            // not our children: a zombie left for an init that never reaps counts as gone
            poll(EXIT_TIMEOUT, () -> !h.isAlive() || processState(h.pid()) == 'Z' || processState(h.pid()) == '?'
                    ? Boolean.TRUE : null, () -> "etcd process " + h.pid() + " of the orphaned cluster " + dir
                    + " still runs after SIGKILL");
        }
        deleteRecursively(dir);
        LOG.log(INFO, "killed {0} etcd processes and deleted {1}: a local cluster whose JVM died without closing it",
                left.size(), dir);
    }

    /** Deletes {@code dir} and everything in it; what is gone already (another reaper) is no failure. */
    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(dir)) {
            paths = walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).collect(Collectors.toList());
        } catch (NoSuchFileException e) {
            return;
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof NoSuchFileException) {
                return;
            }
            throw e.getCause();
        }
        for (Path p : paths) {
            Files.deleteIfExists(p);
        }
    }

    /** The process of {@code member}, for this package's tests (exit statuses). */
    Process process(int member) {
        return member(member).process;
    }
}
