package io.stm4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The bank example keeps its promise: the STM total is exact, always; the plain bank's is printed, not assumed. */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BankExampleIT {
    private static final int SCALE = Integer.getInteger("stm4j.stress.scale", 1);

    @Test
    void theDemoCommandPrintsAConservedTotal() throws Exception {
        int perTeller = 50_000 * SCALE;
        String transfers = Table.n((long) BankExample.TELLERS * perTeller);
        Captured run = Captured.main("bank", String.valueOf(perTeller));
        assertThat(run.status()).isZero();
        assertThat(run.output())
                .contains("stm4j: total conserved: 8,000 == 8,000; every balance matches the tellers' ledgers")
                .containsPattern("audits that saw a wrong total +\\| +0 \\|")
                .containsPattern("money lost \\(-\\) or made \\(\\+\\) +\\| +0 \\|")
                .containsPattern("balances that disagree with the tellers' ledgers +\\| +0 of 8 \\|")
                .containsPattern("transfers made +\\| +" + transfers + " \\| +" + transfers)
                .contains("plain: ")
                .contains("OK: every invariant held.");
    }

    @Test
    void theReportAddsUp() throws Exception {
        int perTeller = 20_000 * SCALE;
        BankExample.Report r = BankExample.run(perTeller, new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8));
        BankExample.Run stm = r.stm();
        assertThat(stm.finished()).isTrue();
        assertThat(stm.finalTotal()).isEqualTo(BankExample.TOTAL);
        assertThat(stm.wrongAudits()).isZero();
        assertThat(stm.audits()).isPositive();
        assertThat(stm.minimumBalance()).isNotNegative();
        assertThat(stm.wrongBalances()).isZero();
        assertThat(stm.misplaced()).isZero();
        for (int i = 0; i < BankExample.ACCOUNTS; i++) {
            assertThat(stm.balances()[i]).as("account %d", i).isEqualTo(stm.expected(i));
        }
        long transfers = (long) BankExample.TELLERS * perTeller;
        assertThat(stm.sum(t -> t.transfers)).isEqualTo(transfers);
        assertThat(stm.sum(t -> t.moved + t.refused)).isEqualTo(transfers);
        assertThat(stm.sum(t -> t.bodyRuns)).isEqualTo(transfers + stm.sum(BankExample.Teller::retries));
        assertThat(stm.sum(t -> t.conflicted)).isBetween(0L, stm.sum(BankExample.Teller::retries));
        assertThat(r.stmConserved()).isTrue();
        // the plain bank may or may not lose money in a short run on two cores: shown, not asserted
        assertThat(r.plain().finished()).isTrue();
        assertThat(r.plain().sum(t -> t.transfers)).isEqualTo(transfers);
        System.out.printf("plain bank: total %d (expected %d), %d misplaced, %d of %d audits wrong%n",
                r.plain().finalTotal(), BankExample.TOTAL, r.plain().misplaced(), r.plain().wrongAudits(),
                r.plain().audits());
    }
}
