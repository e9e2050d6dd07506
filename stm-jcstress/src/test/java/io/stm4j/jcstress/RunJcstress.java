package io.stm4j.jcstress;

import java.util.Collection;
import java.util.List;
import org.openjdk.jcstress.JCStress;
import org.openjdk.jcstress.Options;
import org.openjdk.jcstress.infra.collectors.DiskReadCollector;
import org.openjdk.jcstress.infra.collectors.InProcessCollector;
import org.openjdk.jcstress.infra.collectors.TestResult;
import org.openjdk.jcstress.infra.grading.ReportUtils;

/**
 * Runs the jcstress tests on the class path like {@code org.openjdk.jcstress.Main} (same
 * command-line options), then exits with status 1 if any test failed, crashed or did not run, and
 * 0 otherwise.
 *
 * <p>jcstress 0.16's own {@code Main} reports failed tests only through the {@code AssertionError}
 * its exception report throws at the end (which this runner lets propagate: exit status 1), and
 * exits with 0 when no test ran at all, e.g. when the annotation processor did not generate them.
 * This runner also reads the result file jcstress wrote and grades every result itself, as
 * jcstress's text report does, so a build cannot pass with zero or failing results.
 */
public final class RunJcstress {

    private RunJcstress() {
    }

    public static void main(String[] args) throws Exception {
        Options opts = new Options(args);
        if (!opts.parse()) {
            System.exit(2);
        }
        new JCStress(opts).run();

        InProcessCollector collector = new InProcessCollector();
        Collection<TestResult> raw;
        try {
            DiskReadCollector reader = new DiskReadCollector(opts.getResultFile(), collector);
            reader.dump();
            reader.close();
            raw = collector.getTestResults();
        } catch (java.io.IOException e) {
            System.err.println("jcstress: no results could be read from " + opts.getResultFile() + ": " + e);
            System.exit(1);
            return;
        }
        List<TestResult> results = ReportUtils.mergedByName(raw);
        int failed = 0;
        StringBuilder failures = new StringBuilder();
        for (TestResult r : results) {
            if (!ReportUtils.statusToPassed(r)) {
                failed++;
                failures.append("  ").append(ReportUtils.statusToLabel(r)).append(' ').append(r.getName())
                        .append('\n');
            }
        }
        System.out.println();
        System.out.println("stm4j jcstress: " + results.size() + " tests, " + failed + " failed");
        if (results.isEmpty()) {
            System.err.println("stm4j jcstress: no test ran (were the tests compiled with jcstress's"
                    + " annotation processor?)");
            System.exit(1);
        }
        if (failed > 0) {
            System.err.println("stm4j jcstress: FAILED\n" + failures);
            System.exit(1);
        }
        System.exit(0);
    }
}
