package io.stm4j.guice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoMoreInteractions;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.matcher.Matchers;
import io.stm4j.testkit.OtherThread;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A Guice-constructed service with {@code @Atomic} methods, wrapped by Guice AOP in a user's own
 * interceptor. Runs under -javaagent.
 */
class GuiceServiceIT {
    /** Not scaled by -Pstress: the Mockito double records every call it receives. */
    private static final int TRANSFERS_PER_THREAD = 20_000;

    private final TransferLog log = mock(TransferLog.class);
    private final CountingInterceptor metrics = new CountingInterceptor("transfer");
    private final OtherThread other = new OtherThread();
    private final BankService bank = Guice.createInjector(new StmModule(), new AbstractModule() {
        @Override
        protected void configure() {
            bind(TransferLog.class).toInstance(log);
            bindInterceptor(Matchers.subclassesOf(BankService.class), Matchers.any(), metrics);
        }
    }).getInstance(BankService.class);

    @AfterEach
    void close() throws InterruptedException {
        other.close();
    }

    @Test
    void guiceSubclassesTheServiceForItsInterceptor() {
        assertThat(bank.getClass()).isNotEqualTo(BankService.class);
        assertThat(bank.getClass().getSuperclass()).isEqualTo(BankService.class);
        assertThat(bank.getClass().getName()).contains("$$EnhancerByGuice$$");
    }

    @Test
    void aGuiceServiceConservesTheTotalUnderFourThreads() throws Exception {
        int perThread = TRANSFERS_PER_THREAD;
        AtomicLong committed = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            Thread t = new Thread(() -> {
                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                for (int n = 0; n < perThread; n++) {
                    int from = rnd.nextInt(BankService.ACCOUNTS);
                    int to = (from + 1 + rnd.nextInt(BankService.ACCOUNTS - 1)) % BankService.ACCOUNTS;
                    try {
                        bank.transfer(from, to, 1 + rnd.nextInt(400));
                        committed.incrementAndGet();
                    } catch (IllegalStateException insufficient) {
                        refused.incrementAndGet();
                    }
                }
            }, "transfers-" + w);
            t.setUncaughtExceptionHandler((th, e) -> failure.set(e));
            threads.add(t);
        }
        threads.forEach(Thread::start);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        for (Thread t : threads) {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        }
        assertThat(threads).noneMatch(Thread::isAlive);
        assertThat(failure.get()).isNull();

        long expected = BankService.ACCOUNTS * BankService.INITIAL;
        assertThat(bank.total()).isEqualTo(expected);
        long sum = 0;
        for (int i = 0; i < BankService.ACCOUNTS; i++) {
            assertThat(bank.balance(i)).isNotNegative();
            sum += bank.balance(i);
        }
        assertThat(sum).isEqualTo(expected);
        assertThat(committed.get() + refused.get()).isEqualTo(4L * perThread);
        // the interceptor saw each call exactly once, outside the transaction, whatever the re-runs
        assertThat(metrics.calls.get()).isEqualTo(4L * perThread);
        assertThat(metrics.returned.get()).isEqualTo(committed.get());
        assertThat(metrics.threw.get()).isEqualTo(refused.get());
        assertThat(metrics.calledInsideATransaction.get()).isZero();
        assertThat(bank.bodyRuns.get()).isGreaterThanOrEqualTo(4L * perThread);
        // the afterCommit side effect ran once per committed transfer, never for a refused one
        verify(log, times((int) committed.get())).transferred(anyInt(), anyInt(), anyLong());
        System.out.printf("GuiceServiceIT: %d transfers committed, %d refused, %d body runs (%d re-runs)%n",
                committed.get(), refused.get(), bank.bodyRuns.get(),
                bank.bodyRuns.get() - committed.get() - refused.get());
    }

    @Test
    void aConflictReRunsOnlyTheAtomicBodyNotTheUserInterceptor() {
        AtomicLong midways = new AtomicLong();
        bank.midway = () -> {
            if (midways.getAndIncrement() == 0) {
                // another thread commits to the account this attempt has read: it must re-run
                other.run(() -> bank.depositDirectly(0, 5));
            }
        };
        bank.transfer(0, 1, 100);

        assertThat(bank.bodyRuns.get()).isEqualTo(2);
        assertThat(metrics.calls.get()).isEqualTo(1);
        assertThat(metrics.returned.get()).isEqualTo(1);
        assertThat(metrics.threw.get()).isZero();
        assertThat(metrics.calledInsideATransaction.get()).isZero();
        assertThat(bank.balance(0)).isEqualTo(BankService.INITIAL + 5 - 100);
        assertThat(bank.balance(1)).isEqualTo(BankService.INITIAL + 100);
        verify(log).transferred(0, 1, 100);
        verifyNoMoreInteractions(log);
    }

    @Test
    void aFailingCallReachesTheInterceptorOnceAndRollsBack() {
        assertThatThrownBy(() -> bank.transfer(2, 3, BankService.INITIAL + 1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("insufficient funds in account 2");
        assertThat(metrics.calls.get()).isEqualTo(1);
        assertThat(metrics.threw.get()).isEqualTo(1);
        assertThat(bank.balance(2)).isEqualTo(BankService.INITIAL);
        assertThat(bank.balance(3)).isEqualTo(BankService.INITIAL);
        verify(log, never()).transferred(anyInt(), anyInt(), anyLong());
    }
}
