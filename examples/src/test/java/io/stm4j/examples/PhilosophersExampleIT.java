package io.stm4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Dining philosophers: no deadlock, everyone eats, no fork is ever used by two at once. */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PhilosophersExampleIT {
    private static final int SCALE = Integer.getInteger("stm4j.stress.scale", 1);

    @Test
    void everyoneEatsAndNoForkIsShared() throws Exception {
        int meals = 40 * SCALE;
        Captured run = Captured.main("philosophers", String.valueOf(meals));
        assertThat(run.status()).isZero();
        assertThat(run.output())
                .contains("nobody got stuck: no deadlock.")
                .contains("everyone ate: all 5 philosophers had their " + meals + " meals.")
                .contains("two neighbours eating with the same fork at once: 0 times (never).")
                .containsPattern("all +\\| +\\| +" + Table.n(5L * meals) + " \\|");
        for (String name : PhilosophersExample.NAMES) {
            assertThat(run.output()).containsPattern(name + " +\\| \\d & \\d \\| +" + Table.n(meals) + " \\|");
        }
    }
}
