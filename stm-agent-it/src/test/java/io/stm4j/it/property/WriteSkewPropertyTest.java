package io.stm4j.it.property;

import static org.assertj.core.api.Assertions.assertThat;

import io.stm4j.it.support.Flavor;
import io.stm4j.testkit.EngineQuiescence;
import io.stm4j.testkit.Stress;
import io.stm4j.testkit.ThreadKind;
import io.stm4j.testkit.Workers;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * No write skew: in each round, K doctors are on call and K threads each run "if at least two are
 * on call, take me off call" once — a transaction that reads every doctor and writes only its own.
 * In any serial order the first K − 1 leave and the last stays, so every round must end with
 * exactly one doctor on call and exactly K − 1 transactions reporting that they left. Two
 * transactions committing on the same snapshot (write skew) would leave fewer than one; rounds
 * run unsynchronised, so threads meet in many rounds at different points.
 */
@ExtendWith(EngineQuiescence.class)
class WriteSkewPropertyTest {
    /** Test invocations that share this property's time under -Pstress: methods times flavors. */
    private static final int INVOCATIONS = Flavor.all().size();

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.stm4j.it.support.Flavor#all")
    void neverBothCommitted(Flavor flavor) throws Exception {
        Stress.rounds(INVOCATIONS, () -> neverBothCommittedRound(flavor));
    }

    private void neverBothCommittedRound(Flavor flavor) throws Exception {
        int doctors = Stress.THREADS;
        int rounds = Math.max(300, 18_000 * Stress.SCALE / doctors);
        List<Roster> rosters = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            rosters.add(Roster.create(flavor.api, doctors));
        }
        int[][] left = new int[doctors][rounds];
        long t0 = System.nanoTime();
        Workers w = Workers.of(flavor.kind, "write-skew");
        w.add(doctors, d -> {
            for (int r = 0; r < rounds && !w.failed(); r++) {
                left[d][r] = rosters.get(r).leave(d) ? 1 : 0;
                ThreadKind.beFair();
            }
        });
        w.run();
        long ms = (System.nanoTime() - t0) / 1_000_000;

        int skewed = 0;
        int wrongReports = 0;
        for (int r = 0; r < rounds; r++) {
            if (rosters.get(r).onCall() != 1) {
                skewed++;
            }
            int leavers = 0;
            for (int d = 0; d < doctors; d++) {
                leavers += left[d][r];
            }
            if (leavers != doctors - 1) {
                wrongReports++;
            }
        }
        assertThat(skewed).as("rounds of %d not ending with exactly one doctor on call", rounds).isZero();
        assertThat(wrongReports).as("rounds in which other than %d transactions reported leaving", doctors - 1).isZero();
        for (Roster r : rosters) {
            r.assertNoCellLocked();
        }
        Stress.report("property", "write-skew", flavor, doctors, (long) rounds * doctors, 0, ms, "rounds=" + rounds);
    }
}
