package io.stm4j.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stm4j.Stm;
import io.stm4j.internal.AgentSupport;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Annotated code behaves transactionally in a Surefire run whose JVM options name no agent: the
 * listener of src/main, found by ServiceLoader, attached it. The same class runs a second time with
 * {@code -javaagent} in the argLine (execution with-argline-agent); {@code stm4j.junit.expect} says
 * which of the two this JVM is.
 */
class TransactionalWithoutArgLineTest {
    private static final int THREADS = 4;
    private static final int TRANSFERS_PER_THREAD = 2_000 * Integer.getInteger("stm4j.stress.scale", 1);

    @Test
    void theAgentIsActiveAndWasAttachedTheExpectedWay() {
        assertThat(Stm.isAgentActive()).isTrue();
        List<String> jvmOptions = ManagementFactory.getRuntimeMXBean().getInputArguments();
        if (System.getProperty("stm4j.junit.expect", "StmAgentSessionListener").equals("-javaagent")) {
            assertThat(jvmOptions).anyMatch(o -> o.startsWith("-javaagent:") && o.contains("stm-agent"));
            assertThat(AgentSupport.activatedBy()).isEqualTo("-javaagent");
            assertThat(StmAgentSessionListener.lastOutcome).isEqualTo(StmAgentSessionListener.Outcome.ALREADY_ACTIVE);
        } else {
            assertThat(jvmOptions).noneMatch(o -> o.startsWith("-javaagent"));
            assertThat(AgentSupport.activatedBy()).isEqualTo("StmAgent.install()");
            assertThat(StmAgentSessionListener.lastOutcome).isEqualTo(StmAgentSessionListener.Outcome.ATTACHED);
        }
    }

    @Test
    void aFailingTransferLeavesBothBalancesAsTheyWere() {
        Account from = new Account(10);
        Account to = new Account(0);
        assertThatThrownBy(() -> Account.transfer(from, to, 16))
                .isInstanceOf(IllegalStateException.class).hasMessage("insufficient funds");
        assertThat(from.balance()).isEqualTo(10);
        assertThat(to.balance()).isZero();

        Account.transfer(from, to, 4);
        assertThat(from.balance()).isEqualTo(6);
        assertThat(to.balance()).isEqualTo(4);
    }

    @Test
    @Timeout(60)
    void fourThreadsOfTransfersConserveTheTotalAndEveryReadSeesIt() throws Exception {
        Account[] accounts = new Account[6];
        for (int i = 0; i < accounts.length; i++) {
            accounts[i] = new Account(50);
        }
        long expected = 50L * accounts.length;
        ConcurrentLinkedQueue<Long> wrongTotals = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            SplittableRandom random = new SplittableRandom(t);
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                    for (int i = 0; i < TRANSFERS_PER_THREAD; i++) {
                        Account from = accounts[random.nextInt(accounts.length)];
                        Account to = accounts[random.nextInt(accounts.length)];
                        try {
                            Account.transfer(from, to, 1 + random.nextInt(20));
                        } catch (IllegalStateException insufficient) {
                            // rolled back: part of the test
                        }
                        if (i % 16 == 0) {
                            long total = Account.total(accounts);
                            if (total != expected) {
                                wrongTotals.add(total);
                            }
                        }
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }, "transfers-" + t);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
        start.countDown();
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(50));
            assertThat(thread.isAlive()).as("%s finished", thread.getName()).isFalse();
        }
        assertThat(failures).isEmpty();
        assertThat(wrongTotals).as("totals read inside transactions").isEmpty();
        assertThat(Account.total(accounts)).isEqualTo(expected);
        for (Account a : accounts) {
            assertThat(a.balance()).isNotNegative();
        }
    }
}
