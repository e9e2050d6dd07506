package io.stm4j.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stm4j.MaxRetriesExceeded;
import io.stm4j.RetryTimeoutExceeded;
import io.stm4j.Stm;
import io.stm4j.StmException;
import io.stm4j.Store;
import io.stm4j.Value;
import io.stm4j.testkit.OtherThread;
import io.stm4j.testkit.ThreadKind;
import io.stm4j.testkit.Workers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code Stm.orElse} and {@code Stm.retryFor}. They change how a transaction waits, so each promise
 * they touch is tested with a body that computes, one that blocks, and one that waits for another
 * thread: the choice of alternative and the undo of the abandoned one; blocking until something
 * either alternative read changes; the {@code retryFor} clock (from its first call, not restarted
 * by re-runs; {@code ZERO} at once); the transaction's own timeout and attempt limit; interruption;
 * read-only transactions; nesting.
 */
class AlternativesTest {
    private static final Duration BOUND = Duration.ofSeconds(60);
    private final Store s = Store.create();

    @AfterEach
    void noTransactionLeft() {
        assertThat(Stm.inTransaction()).isFalse();
    }

    private void put(String key, Object value) {
        Value<Object> v = s.useVar(key);
        v.set(value);
        v.commit();
    }

    private Object get(String key) {
        return s.useVar(key).get();
    }

    private static void await(CountDownLatch latch) throws InterruptedException {
        assertThat(latch.await(BOUND.toSeconds(), TimeUnit.SECONDS)).as("latch within the bound").isTrue();
    }

    // ------------------------------------------------------------------ orElse

    @Test
    void aFirstAlternativeThatComputesIsTheResultAndTheSecondNeverRuns() {
        AtomicInteger second = new AtomicInteger();
        int r = Stm.atomic(() -> Stm.orElse(() -> {
            int sum = 0;
            for (int i = 1; i <= 100; i++) {
                sum += i;
            }
            put("sum", sum);
            return sum;
        }, () -> second.incrementAndGet()));
        assertThat(r).isEqualTo(5050);
        assertThat(second.get()).isZero();
        assertThat(get("sum")).isEqualTo(5050);
    }

    @Test
    void aFirstAlternativeThatRetriesIsUndoneAndTheSecondRuns() {
        put("a", 0);
        put("b", 0);
        List<String> hooks = new ArrayList<>();
        String r = Stm.atomic(() -> {
            put("b", 1); // before the alternatives: kept
            return Stm.orElse(() -> {
                put("a", 1);
                put("b", 2);
                Stm.afterCommit(() -> hooks.add("first committed"));
                Stm.afterRollback(() -> hooks.add("first undone"));
                Stm.retry();
                return "first";
            }, () -> {
                assertThat(get("a")).as("first's write undone within the transaction").isEqualTo(0);
                assertThat(get("b")).isEqualTo(1);
                put("c", 3);
                return "second";
            });
        });
        assertThat(r).isEqualTo("second");
        assertThat(get("a")).isEqualTo(0);
        assertThat(get("b")).isEqualTo(1);
        assertThat(get("c")).isEqualTo(3);
        assertThat(hooks).containsExactly("first undone");
    }

    @Test
    void anExceptionInTheFirstAlternativePropagatesWithoutTryingTheSecond() {
        put("a", 0);
        AtomicInteger second = new AtomicInteger();
        IllegalStateException boom = new IllegalStateException("boom");
        assertThatThrownBy(() -> Stm.atomic(() -> Stm.orElse(() -> {
            put("a", 1);
            throw boom;
        }, second::incrementAndGet))).isSameAs(boom);
        assertThat(second.get()).isZero();
        assertThat(get("a")).isEqualTo(0);
    }

    @Test
    void outsideATransactionOrElseIsATransactionOfItsOwn() {
        put("n", 0);
        Stm.orElse(() -> {
            put("n", 1);
            Stm.retry();
        }, () -> {
            assertThat(Stm.inTransaction()).isTrue();
            put("m", get("n"));
        });
        assertThat(get("n")).isEqualTo(0);
        assertThat(get("m")).isEqualTo(0);
    }

    @Test
    void orElseComposesByNesting() {
        put("ready", false);
        List<String> tried = new ArrayList<>();
        String r = Stm.atomic(() -> {
            tried.clear();
            return Stm.orElse(() -> Stm.orElse(() -> {
                tried.add("a");
                put("x", "a");
                Stm.retry();
                return "a";
            }, () -> {
                tried.add("b");
                put("x", "b");
                if (!(Boolean) get("ready")) {
                    Stm.retry();
                }
                return "b";
            }), () -> {
                tried.add("c");
                return "c:" + get("x");
            });
        });
        assertThat(r).isEqualTo("c:null");
        assertThat(tried).containsExactly("a", "b", "c");
        assertThat(get("x")).isNull();
    }

    @Test
    void whenBothAlternativesRetryTheTransactionWaitsForAChangeToWhatEitherRead() throws Exception {
        for (String key : new String[] {"left", "right"}) {
            put("left", 0);
            put("right", 0);
            CountDownLatch bothRetried = new CountDownLatch(1);
            AtomicInteger runs = new AtomicInteger();
            String[] seen = new String[1];
            Workers.of(ThreadKind.PLATFORM, "orElse-wait").timeout(BOUND).add(2, i -> {
                if (i == 0) {
                    seen[0] = Stm.atomic(() -> {
                        runs.incrementAndGet();
                        return Stm.orElse(() -> {
                            if ((Integer) get("left") == 0) {
                                Stm.retry();
                            }
                            return "left";
                        }, () -> {
                            if ((Integer) get("right") == 0) {
                                bothRetried.countDown();
                                Stm.retry();
                            }
                            return "right";
                        });
                    });
                } else {
                    await(bothRetried);
                    put(key, 1);
                }
            }).run();
            assertThat(seen[0]).as("woken by a write to %s", key).isEqualTo(key);
            assertThat(runs.get()).isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void anAlternativeThatBlocksOnAnotherThreadBeforeRetryingStillFallsThrough() throws Exception {
        // the first alternative waits (outside the engine) for another thread's signal, then retries
        CountDownLatch signal = new CountDownLatch(1);
        String[] seen = new String[1];
        Workers.of(ThreadKind.PLATFORM, "orElse-block").timeout(BOUND).add(2, i -> {
            if (i == 0) {
                seen[0] = Stm.atomic(() -> Stm.orElse(() -> {
                    put("p", 1);
                    try {
                        await(signal);
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    Stm.retry();
                    return "first";
                }, () -> "second:" + get("p")));
            } else {
                signal.countDown();
            }
        }).run();
        assertThat(seen[0]).isEqualTo("second:null");
    }

    @Test
    void inAReadOnlyTransactionTheAlternativesWorkAndBlockToo() throws Exception {
        put("n", 0);
        CountDownLatch waiting = new CountDownLatch(1);
        Object[] seen = new Object[1];
        Workers.of(ThreadKind.PLATFORM, "orElse-ro").timeout(BOUND).add(2, i -> {
            if (i == 0) {
                seen[0] = Transactions.atomic(() -> Stm.orElse(() -> {
                    if ((Integer) get("n") == 0) {
                        Stm.retry();
                    }
                    return "first";
                }, () -> {
                    if ((Integer) get("n") == 0) {
                        waiting.countDown();
                        Stm.retry();
                    }
                    return "second";
                }), -1, -1L, true);
            } else {
                await(waiting);
                put("n", 1);
            }
        }).run();
        assertThat(seen[0]).isEqualTo("first");
    }

    @Test
    void orElseRejectsNullAlternativesByName() {
        assertThatThrownBy(() -> Stm.orElse(null, () -> 1)).isInstanceOf(NullPointerException.class).hasMessage("first");
        assertThatThrownBy(() -> Stm.orElse(() -> 1, null)).isInstanceOf(NullPointerException.class).hasMessage("second");
        assertThatThrownBy(() -> Stm.orElse((Runnable) null, () -> { })).isInstanceOf(NullPointerException.class).hasMessage("first");
        assertThatThrownBy(() -> Stm.orElse(() -> { }, (Runnable) null)).isInstanceOf(NullPointerException.class).hasMessage("second");
    }

    // ------------------------------------------------------------------ retryFor

    @Test
    void retryForZeroReturnsAtOnce() {
        put("n", 0);
        AtomicInteger runs = new AtomicInteger();
        int r = Stm.atomic(() -> {
            runs.incrementAndGet();
            int n = (Integer) get("n");
            Stm.retryFor(Duration.ZERO);
            return n + 1;
        });
        assertThat(r).isEqualTo(1);
        assertThat(runs.get()).isEqualTo(1);
    }

    @Test
    void retryForReturnsOnceItsTimeHasPassedWithNothingChanged() {
        put("n", 0);
        AtomicInteger runs = new AtomicInteger();
        long t0 = System.nanoTime();
        int r = Stm.atomic(() -> {
            runs.incrementAndGet();
            int n = (Integer) get("n");
            if (n == 0) {
                Stm.retryFor(Duration.ofMillis(50));
            }
            return n;
        });
        assertThat(r).isZero();
        assertThat(runs.get()).as("waited, then re-ran once").isEqualTo(2);
        assertThat(System.nanoTime() - t0).as("not before its time").isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(50));
    }

    @Test
    void retryForInATransactionThatReadNothingWaitsItsTime() {
        AtomicInteger runs = new AtomicInteger();
        Stm.atomic(() -> {
            runs.incrementAndGet();
            Stm.retryFor(Duration.ofMillis(20));
        });
        assertThat(runs.get()).isEqualTo(2);
    }

    @Test
    void retryForIsWokenByAnotherThreadsWriteBeforeItsTime() throws Exception {
        put("n", 0);
        CountDownLatch waiting = new CountDownLatch(1);
        int[] seen = new int[1];
        Workers.of(ThreadKind.PLATFORM, "retryFor-wake").timeout(BOUND).add(2, i -> {
            if (i == 0) {
                seen[0] = Stm.atomic(() -> {
                    int n = (Integer) get("n");
                    if (n == 0) {
                        waiting.countDown();
                        Stm.retryFor(Duration.ofHours(1));
                    }
                    return n;
                });
            } else {
                await(waiting);
                put("n", 5);
            }
        }).run();
        assertThat(seen[0]).isEqualTo(5);
    }

    @Test
    void retryForsClockRunsFromItsFirstCallAndIsNotRestartedByReRuns() throws Exception {
        long timeout = TimeUnit.MILLISECONDS.toNanos(300);
        put("n", 0);
        AtomicLong first = new AtomicLong();
        AtomicLong lastRun = new AtomicLong();
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch[] waitingIn = new CountDownLatch[1000];
        for (int i = 0; i < waitingIn.length; i++) {
            waitingIn[i] = new CountDownLatch(1);
        }
        AtomicLong returned = new AtomicLong();
        Workers.of(ThreadKind.PLATFORM, "retryFor-clock").timeout(BOUND).add(2, i -> {
            if (i == 0) {
                Stm.atomic(() -> {
                    int run = runs.getAndIncrement();
                    lastRun.set(System.nanoTime());
                    get("n");
                    first.compareAndSet(0L, System.nanoTime());
                    if (run < waitingIn.length) {
                        waitingIn[run].countDown();
                    }
                    Stm.retryFor(Duration.ofNanos(timeout));
                });
                returned.set(System.nanoTime());
            } else {
                // wake the waiting body with a write, again and again, for most of its timeout
                for (int run = 0; run < waitingIn.length; run++) {
                    await(waitingIn[run]);
                    if (System.nanoTime() - first.get() > timeout * 2 / 3) {
                        break;
                    }
                    put("n", run + 1);
                }
            }
        }).run();
        assertThat(runs.get()).as("re-run by the writes").isGreaterThanOrEqualTo(3);
        assertThat(returned.get() - first.get()).isGreaterThanOrEqualTo(timeout);
        assertThat(returned.get() - lastRun.get())
                .as("the last run did not wait a whole timeout of its own").isLessThan(timeout);
    }

    @Test
    void theTransactionsOwnTimeoutEndsAWaitThatRetryForWouldHaveMadeLonger() {
        put("n", 0);
        assertThatThrownBy(() -> Transactions.atomic(() -> {
            get("n");
            Stm.retryFor(Duration.ofHours(1));
        }, -1, 30L, false)).isInstanceOf(RetryTimeoutExceeded.class);
    }

    @Test
    void aTimedOutRetryForDoesNotUseUpAnAttempt() throws InterruptedException {
        put("n", 0);
        AtomicInteger runs = new AtomicInteger();
        Transactions.atomic(() -> {
            runs.incrementAndGet();
            get("n");
            Stm.retryFor(Duration.ofMillis(10));
        }, 0, -1L, false);
        assertThat(runs.get()).isEqualTo(2);
        // while a conflict with the same limit is not re-run
        try (OtherThread other = new OtherThread()) {
            assertThatThrownBy(() -> Transactions.atomic(() -> {
                Object n = get("n");
                other.run(() -> StoreKeys.increment(s, "n"));
                put("m", n);
            }, 0, -1L, false)).isInstanceOf(MaxRetriesExceeded.class);
        }
    }

    @Test
    void retryForInAReadOnlyTransactionTimesOutToo() {
        put("n", 0);
        AtomicInteger runs = new AtomicInteger();
        int r = Transactions.atomic(() -> {
            runs.incrementAndGet();
            int n = (Integer) get("n");
            Stm.retryFor(Duration.ofMillis(20));
            return n;
        }, -1, -1L, true);
        assertThat(r).isZero();
        assertThat(runs.get()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void aWaitingRetryForIsInterruptible() throws Exception {
        put("n", 0);
        CountDownLatch waiting = new CountDownLatch(1);
        Throwable[] thrown = new Throwable[1];
        boolean[] flag = new boolean[1];
        Thread t = new Thread(() -> {
            try {
                Stm.atomic(() -> {
                    get("n");
                    waiting.countDown();
                    Stm.retryFor(Duration.ofHours(1));
                });
            } catch (Throwable e) {
                thrown[0] = e;
                flag[0] = Thread.currentThread().isInterrupted();
            }
        });
        t.start();
        await(waiting);
        t.interrupt();
        t.join(BOUND.toMillis());
        assertThat(t.isAlive()).isFalse();
        assertThat(thrown[0]).isInstanceOf(StmException.class).hasCauseInstanceOf(InterruptedException.class);
        assertThat(flag[0]).isTrue();
    }

    @Test
    void aTimeoutTooLongToCountWaitsAsRetryDoes() throws Exception {
        put("n", 0);
        CountDownLatch waiting = new CountDownLatch(1);
        int[] seen = new int[1];
        Workers.of(ThreadKind.PLATFORM, "retryFor-forever").timeout(BOUND).add(2, i -> {
            if (i == 0) {
                seen[0] = Stm.atomic(() -> {
                    int n = (Integer) get("n");
                    if (n == 0) {
                        waiting.countDown();
                        Stm.retryFor(Duration.ofSeconds(Long.MAX_VALUE));
                    }
                    return n;
                });
            } else {
                await(waiting);
                put("n", 9);
            }
        }).run();
        assertThat(seen[0]).isEqualTo(9);
    }

    @Test
    void retryForRejectsBadInputByName() {
        assertThatThrownBy(() -> Stm.retryFor(Duration.ofMillis(1))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Stm.retryFor");
        assertThatThrownBy(() -> Stm.atomic(() -> Stm.retryFor(null))).isInstanceOf(NullPointerException.class)
                .hasMessage("timeout");
        assertThatThrownBy(() -> Stm.atomic(() -> Stm.retryFor(Duration.ofMillis(-1))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeout").hasMessageContaining("-");
    }

    @Test
    void orElseWithATimedSecondAlternative() {
        // the consumer shape: take from the first source, else wait a while on the second, else give up
        put("q1", 0);
        put("q2", 0);
        String r = Stm.atomic(() -> Stm.orElse(() -> {
            if ((Integer) get("q1") == 0) {
                Stm.retry();
            }
            return "q1";
        }, () -> {
            if ((Integer) get("q2") == 0) {
                Stm.retryFor(Duration.ofMillis(20));
                return "none";
            }
            return "q2";
        }));
        assertThat(r).isEqualTo("none");
    }
}
