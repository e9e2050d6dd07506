package io.stm4j.examples;

import io.stm4j.Stm;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.Locale;

/**
 * Runs one example: {@code Main [bank|philosophers|booking|buffer|inventory|distributed] [size]}; the default is bank.
 * Every example prints what it does as it runs, a summary table, and a verdict; the exit status is
 * non-zero when an invariant the example checks was broken.
 */
public final class Main {

    /** The examples, in the order the README lists them. */
    enum Example {
        BANK("bank", "size = transfers per teller", 500_000) {
            @Override
            boolean run(int size, PrintStream out) throws Exception {
                return BankExample.run(size, out).stmConserved();
            }
        },
        PHILOSOPHERS("philosophers", "size = meals per philosopher", 250) {
            @Override
            boolean run(int size, PrintStream out) throws Exception {
                return PhilosophersExample.run(size, out).ok();
            }
        },
        BOOKING("booking", "size = seats per show", 300) {
            @Override
            boolean run(int size, PrintStream out) throws Exception {
                return BookingExample.run(size, out).ok();
            }
        },
        BUFFER("buffer", "size = items per producer", 100_000) {
            @Override
            boolean run(int size, PrintStream out) throws Exception {
                return BufferExample.run(size, out).ok();
            }
        },
        INVENTORY("inventory", "size = orders per desk", 5_000) {
            @Override
            boolean run(int size, PrintStream out) throws Exception {
                return InventoryExample.run(size, out).ok();
            }
        },
        DISTRIBUTED("distributed", "size = transfers per node; needs etcd", 100) {
            @Override
            boolean run(int size, PrintStream out) throws Exception {
                return DistributedBankExample.run(size, out, DistributedBankExample.configuredEndpoints()).ok();
            }

            @Override
            String cannotRun() {
                if (!DistributedBankExample.configuredEndpoints().isEmpty()) {
                    return null;
                }
                return "The distributed example needs an etcd cluster: ./run-demo.sh distributed starts a local one (etcd"
                        + " installed: sudo apt-get install etcd-server); or set " + DistributedBankExample.ENDPOINTS_ENV
                        + " to the client URLs of yours, comma-separated (http://127.0.0.1:2379,...).";
            }
        };

        final String name;
        final String sizeMeans;
        final int defaultSize;

        Example(String name, String sizeMeans, int defaultSize) {
            this.name = name;
            this.sizeMeans = sizeMeans;
            this.defaultSize = defaultSize;
        }

        abstract boolean run(int size, PrintStream out) throws Exception;

        /** @return why this example cannot run here (say, what it needs that is missing), or null when it can */
        String cannotRun() {
            return null;
        }
    }

    private Main() {
    }

    /**
     * @param args the example's name (default bank), then optionally its size
     * @throws Exception if the example fails unexpectedly
     */
    public static void main(String[] args) throws Exception {
        int status = run(args, System.out);
        if (status != 0) {
            System.exit(status);
        }
    }

    /**
     * Runs the example named in {@code args}.
     *
     * @param args the example's name (default bank), then optionally its size
     * @param out where to print
     * @return 0 when the example's invariants held, 1 when they did not, 2 for a usage error or a missing
     *     prerequisite (the distributed example's etcd cluster)
     * @throws Exception if the example fails unexpectedly
     */
    static int run(String[] args, PrintStream out) throws Exception {
        String name = args.length > 0 ? args[0].toLowerCase(Locale.ROOT) : "bank";
        Example example = Arrays.stream(Example.values()).filter(e -> e.name.equals(name)).findFirst().orElse(null);
        if (example == null || args.length > 2) {
            usage(out);
            return 2;
        }
        int size = example.defaultSize;
        if (args.length == 2) {
            try {
                size = Integer.parseInt(args[1].replace("_", ""));
            } catch (NumberFormatException e) {
                size = -1;
            }
            if (size <= 0) {
                out.println("size must be a positive number, was '" + args[1] + "'");
                usage(out);
                return 2;
            }
        }
        if (!Stm.isAgentActive()) {
            // Neither agent nor weaving: @Shared fields would be plain fields; refuse rather than mislead.
            out.println("The stm4j agent is not active and these classes are not woven: start the JVM with"
                    + " -javaagent:stm-agent/target/stm-agent-<version>.jar, as ./run-demo.sh does, or build"
                    + " them with the stm4j-maven-plugin (mvn package does).");
            return 1;
        }
        String missing = example.cannotRun();
        if (missing != null) {
            out.println(missing);
            return 2;
        }
        out.printf("== stm4j example: %s (size %s) ==%n%n", example.name, Table.n(size));
        boolean ok = example.run(size, out);
        out.println();
        out.println(ok ? "OK: every invariant held." : "FAILED: an invariant was broken (see above).");
        return ok ? 0 : 1;
    }

    private static void usage(PrintStream out) {
        out.println("usage: ./run-demo.sh [example] [size]");
        for (Example e : Example.values()) {
            out.printf("  %-13s %s (default %s)%n", e.name, e.sizeMeans, Table.n(e.defaultSize));
        }
    }
}
