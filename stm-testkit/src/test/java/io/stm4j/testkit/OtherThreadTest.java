package io.stm4j.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OtherThreadTest {
    private final OtherThread other = new OtherThread();

    @AfterEach
    void close() {
        other.close();
        Thread.interrupted(); // a test that failed must not leave the runner's thread interrupted
    }

    @Test
    void runsTheActionOnOneOtherThreadAndWaitsForIt() {
        AtomicReference<Thread> ran = new AtomicReference<>();
        other.run(() -> ran.set(Thread.currentThread()));
        Thread first = ran.get();
        assertThat(first).isNotNull().isNotSameAs(Thread.currentThread());
        other.run(() -> ran.set(Thread.currentThread()));
        assertThat(ran.get()).as("the same other thread each time").isSameAs(first);
    }

    @Test
    void keepsTheCallersInterruptFlagAndStillWaits() {
        Thread self = Thread.currentThread();
        AtomicReference<Boolean> ended = new AtomicReference<>(false);
        other.run(() -> {
            self.interrupt(); // while the caller waits
            ended.set(true);
        });
        assertThat(ended.get()).as("the action ran to its end").isTrue();
        assertThat(Thread.interrupted()).as("the caller's interrupt flag, kept").isTrue();

        self.interrupt(); // already interrupted when it calls
        other.run(() -> ended.set(false));
        assertThat(ended.get()).isFalse();
        assertThat(Thread.interrupted()).as("the caller's interrupt flag, kept").isTrue();
    }

    @Test
    void failsWithWhatTheActionThrew() {
        IllegalStateException boom = new IllegalStateException("boom");
        assertThatThrownBy(() -> other.run(() -> {
            throw boom;
        })).isInstanceOf(AssertionError.class).hasMessageContaining("stm4j-other-thread").hasCause(boom);
    }

    @Test
    void failsAnActionStillRunningAtTheDeadlineWithItsStack() throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        try (OtherThread slow = new OtherThread("slow-other", Duration.ofMillis(50))) {
            assertThatThrownBy(() -> slow.run(() -> {
                started.countDown();
                try {
                    never.await();
                } catch (InterruptedException e) {
                    interrupted.countDown();
                }
            })).isInstanceOf(AssertionError.class).hasMessageContaining("slow-other still running after")
                    .satisfies(e -> assertThat(e.getStackTrace()).as("the other thread's stack, not the caller's")
                            .noneMatch(f -> f.getMethodName().equals("failsAnActionStillRunningAtTheDeadlineWithItsStack")));
            if (started.getCount() == 0) { // else it was cancelled before it started: nothing to interrupt
                assertThat(interrupted.await(60, TimeUnit.SECONDS)).as("the late action was interrupted").isTrue();
            }
        }
    }

    @Test
    void runFreshRethrowsWhatTheBodyThrewOnAFreshThread() {
        AtomicReference<Thread> ran = new AtomicReference<>();
        Exception boom = new Exception("boom");
        assertThatThrownBy(() -> OtherThread.runFresh("fresh", () -> {
            ran.set(Thread.currentThread());
            throw boom;
        })).isSameAs(boom);
        assertThat(ran.get()).isNotSameAs(Thread.currentThread());
        assertThat(ran.get().getName()).isEqualTo("fresh");
        assertThat(ran.get().isAlive()).isFalse();
    }

    @Test
    void runFreshFailsABodyStillRunningWithItsStack() {
        CountDownLatch never = new CountDownLatch(1);
        assertThatThrownBy(() -> OtherThread.runFresh("stuck", Duration.ofMillis(50), never::await))
                .isInstanceOf(AssertionError.class).hasMessageContaining("stuck still running after")
                .hasMessageContaining("interrupted and joined")
                .satisfies(e -> assertThat(e.getStackTrace()).as("the stuck thread's stack, not the caller's")
                        .noneMatch(f -> f.getMethodName().equals("runFreshFailsABodyStillRunningWithItsStack")));
    }
}
