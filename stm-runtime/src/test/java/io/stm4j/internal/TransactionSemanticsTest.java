package io.stm4j.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stm4j.ConcurrentUpdate;
import io.stm4j.MaxRetriesExceeded;
import io.stm4j.RetryTimeoutExceeded;
import io.stm4j.Stm;
import io.stm4j.Store;
import io.stm4j.Value;
import io.stm4j.testkit.OtherThread;
import io.stm4j.testkit.ThreadKind;
import io.stm4j.testkit.Workers;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One test per promise of the contract's transaction semantics. */
class TransactionSemanticsTest {
    private final Store s = Store.create();
    private final OtherThread other = new OtherThread();

    @AfterEach
    void closeInterferer() throws InterruptedException {
        other.close();
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

    private void write(String key, Object value) {
        Value<Object> v = s.useVar(key);
        v.set(value);
        v.commit();
    }

    @Test
    void writesArePublishedTogetherAtCommitAndSeenByTheTransactionItself() {
        put("a", 1);
        Stm.atomic(() -> {
            write("a", 2);
            write("b", 3);
            assertThat(get("a")).isEqualTo(2); // read your own writes
            other.run(() -> {
                assertThat(get("a")).isEqualTo(1); // not yet published
                assertThat(s.export("b").get("b")).isNull();
            });
        });
        assertThat(s.export("a", "b")).containsEntry("a", 2).containsEntry("b", 3);
    }

    @Test
    void aReadWriteTransactionSeesEveryCommitThatFinishedBeforeItBeganThoughItsThreadLastRanLongAgo() {
        put("a", 0);
        put("b", 0);
        Stm.atomic(() -> write("c", get("a"))); // this thread's transaction learns the time of then
        for (int i = 1; i <= 50; i++) {
            int v = i;
            other.run(() -> Stm.atomic(() -> {
                write("a", v);
                write("b", v);
            }));
        }
        AtomicInteger attempts = new AtomicInteger();
        List<Object> seen = new ArrayList<>();
        Stm.atomic(() -> {
            attempts.incrementAndGet();
            seen.clear();
            seen.add(get("a"));
            seen.add(get("b"));
            write("c", 1);
        });
        assertThat(seen).containsExactly(50, 50);
        // its snapshot, of before the 50 commits, moved forward at the first newer read: no abort
        assertThat(attempts).hasValue(1);
        other.run(() -> Stm.atomic(() -> write("a", 51)));
        // a read-only one reads the clock when it starts: it may read history, never from before that
        assertThat(Transactions.atomic(() -> get("a"), -1, -1L, true)).isEqualTo(51);
    }

    @Test
    void anExceptionRollsBackAndPropagatesTheSameInstance() {
        put("a", 1);
        IllegalStateException boom = new IllegalStateException("boom");
        assertThatThrownBy(() -> Stm.atomic(() -> {
            write("a", 2);
            throw boom;
        })).isSameAs(boom);
        assertThat(get("a")).isEqualTo(1);
        assertThat(s.useVar("a").version()).isEqualTo(1);
    }

    @Test
    void aCheckedExceptionPropagatesUnchanged() {
        IOException io = new IOException("disk");
        assertThatThrownBy(() -> Transactions.atomic(() -> {
            write("a", 9);
            throw Txn.<RuntimeException>sneaky(io);
        }, -1, -1L, false)).isSameAs(io);
        assertThat(get("a")).isNull();
    }

    @Test
    void nestedScopesJoinTheOuterTransaction() {
        Stm.atomic(() -> {
            Stm.atomic(() -> write("a", 1));
            assertThat(Stm.inTransaction()).isTrue();
            other.run(() -> assertThat(get("a")).isNull()); // inner did not commit alone
        });
        assertThat(get("a")).isEqualTo(1);
    }

    @Test
    void anExceptionEscapingAnInnerScopeUndoesOnlyItsWrites() {
        put("a", 0);
        Stm.atomic(() -> {
            write("a", 1);
            write("b", 1);
            try {
                Stm.atomic(() -> {
                    write("a", 2); // overwrites an outer write
                    write("c", 2); // a new key
                    Stm.atomic(() -> write("b", 2)); // a committed grandchild, undone with its parent
                    throw new IllegalArgumentException("inner");
                });
            } catch (IllegalArgumentException expected) {
                // the outer goes on
            }
            assertThat(get("a")).isEqualTo(1);
            assertThat(get("b")).isEqualTo(1);
            assertThat(get("c")).isNull();
            write("d", 4);
        });
        assertThat(s.export("a", "b", "c", "d"))
                .containsEntry("a", 1).containsEntry("b", 1).containsEntry("c", null).containsEntry("d", 4);
    }

    @Test
    void aConflictReRunsTheBodyAndCallersNeverSeeIt() {
        put("a", 0);
        AtomicInteger runs = new AtomicInteger();
        int result = Stm.atomic(() -> {
            int a = (Integer) get("a");
            if (runs.incrementAndGet() == 1) {
                other.run(() -> StoreKeys.increment(s, "a")); // a concurrent commit invalidates what we read
            }
            write("a", a + 10);
            return a + 10;
        });
        assertThat(runs.get()).isEqualTo(2);
        assertThat(result).isEqualTo(11);
        assertThat(get("a")).isEqualTo(11);
    }

    @Test
    void maxRetriesLimitsAttemptsAndReportsTheLastConflict() {
        put("a", 0);
        AtomicInteger runs = new AtomicInteger();
        MaxRetriesExceeded e = org.junit.jupiter.api.Assertions.assertThrows(MaxRetriesExceeded.class,
                () -> Transactions.atomic(() -> {
                    runs.incrementAndGet();
                    Object a = get("a");
                    other.run(() -> StoreKeys.increment(s, "a"));
                    write("b", a);
                }, 2, -1L, false));
        assertThat(e.getAttempts()).isEqualTo(3);
        assertThat(runs.get()).isEqualTo(3);
        assertThat(e.getCause()).isInstanceOf(ConcurrentUpdate.class).hasMessageContaining("'a'");
        assertThat(get("b")).isNull();
        assertThat(get("a")).isEqualTo(3);
    }

    @Test
    void timeoutStopsRetryingOnceTheTimeHasPassed() {
        put("a", 0);
        AtomicInteger runs = new AtomicInteger();
        long started = System.nanoTime();
        RetryTimeoutExceeded e = org.junit.jupiter.api.Assertions.assertThrows(RetryTimeoutExceeded.class,
                () -> Transactions.atomic(() -> {
                    runs.incrementAndGet();
                    Object a = get("a");
                    other.run(() -> StoreKeys.increment(s, "a"));
                    write("b", a);
                }, -1, 50L, false));
        assertThat(System.nanoTime() - started).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(50));
        assertThat(e.getAttempts()).isEqualTo(runs.get()).isGreaterThan(1);
        assertThat(e.getCause()).isInstanceOf(ConcurrentUpdate.class);
        assertThat(get("b")).isNull();
    }

    @Test
    void readOnlyTransactionsRejectWrites() {
        assertThatThrownBy(() -> Transactions.atomic(() -> write("a", 1), -1, -1L, true))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'a'")
                .hasMessageContaining("read-only");
        assertThat(get("a")).isNull();
        // a read-only inner scope of a read-write transaction rejects writes too, the outer may go on
        Stm.atomic(() -> {
            assertThatThrownBy(() -> Transactions.atomic(() -> write("b", 1), -1, -1L, true))
                    .isInstanceOf(IllegalStateException.class);
            write("c", 1);
        });
        assertThat(s.export("b", "c")).containsEntry("b", null).containsEntry("c", 1);
    }

    @Test
    void retryBlocksUntilAnotherTransactionChangesWhatWasRead() throws Exception {
        put("ready", false);
        CountDownLatch waiting = new CountDownLatch(1);
        AtomicInteger runs = new AtomicInteger();
        Object[] seen = new Object[1];
        Workers.of(ThreadKind.PLATFORM, "semantics").timeout(Duration.ofSeconds(60)).add(2, i -> {
            if (i == 0) {
                seen[0] = Stm.atomic(() -> {
                    runs.incrementAndGet();
                    if (!(Boolean) get("ready")) {
                        waiting.countDown();
                        Stm.retry();
                    }
                    return get("payload");
                });
            } else {
                waiting.await();
                Stm.atomic(() -> {
                    write("payload", "hello");
                    write("ready", true);
                });
            }
        }).run();
        assertThat(seen[0]).isEqualTo("hello");
        assertThat(runs.get()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void retryIsWokenByAPlainWriteOutsideATransaction() throws Exception {
        put("n", 0);
        CountDownLatch waiting = new CountDownLatch(1);
        int[] seen = new int[1];
        Workers.of(ThreadKind.PLATFORM, "semantics").timeout(Duration.ofSeconds(60)).add(2, i -> {
            if (i == 0) {
                seen[0] = Stm.atomic(() -> {
                    int n = (Integer) get("n");
                    if (n == 0) {
                        waiting.countDown();
                        Stm.retry();
                    }
                    return n;
                });
            } else {
                waiting.await();
                put("n", 7); // Value.commit outside a transaction
            }
        }).run();
        assertThat(seen[0]).isEqualTo(7);
    }

    @Test
    void retryInAReadOnlyTransactionBlocksToo() throws Exception {
        put("n", 0);
        CountDownLatch waiting = new CountDownLatch(1);
        int[] seen = new int[1];
        Workers.of(ThreadKind.PLATFORM, "semantics").timeout(Duration.ofSeconds(60)).add(2, i -> {
            if (i == 0) {
                seen[0] = Transactions.atomic(() -> {
                    int n = (Integer) get("n");
                    if (n == 0) {
                        waiting.countDown();
                        Stm.retry();
                    }
                    return n;
                }, -1, -1L, true);
            } else {
                waiting.await();
                put("n", 3);
            }
        }).run();
        assertThat(seen[0]).isEqualTo(3);
    }

    @Test
    void retryHonoursTheTimeout() {
        put("n", 0);
        RetryTimeoutExceeded e = org.junit.jupiter.api.Assertions.assertThrows(RetryTimeoutExceeded.class,
                () -> Transactions.atomic(() -> {
                    get("n");
                    Stm.retry();
                }, -1, 30L, false));
        assertThat(e.getAttempts()).isEqualTo(1);
    }

    @Test
    void retryIsInterruptible() throws Exception {
        put("n", 0);
        CountDownLatch waiting = new CountDownLatch(1);
        Throwable[] thrown = new Throwable[1];
        boolean[] flag = new boolean[1];
        Thread t = new Thread(() -> {
            try {
                Stm.atomic(() -> {
                    get("n");
                    waiting.countDown();
                    Stm.retry();
                });
            } catch (Throwable e) {
                thrown[0] = e;
                flag[0] = Thread.currentThread().isInterrupted();
            }
        });
        t.start();
        waiting.await(30, TimeUnit.SECONDS);
        t.interrupt();
        t.join(30_000);
        assertThat(t.isAlive()).isFalse();
        assertThat(thrown[0]).isInstanceOf(io.stm4j.StmException.class)
                .hasCauseInstanceOf(InterruptedException.class)
                .hasMessageContaining("Stm.retry()");
        assertThat(flag[0]).as("interrupt flag restored").isTrue();
    }

    @Test
    void retryWithNothingReadIsAnErrorNotAHang() {
        assertThatThrownBy(() -> Stm.atomic(Stm::retry))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("read nothing");
    }

    @Test
    void transactionOnlyOperationsFailOutsideATransaction() {
        assertThat(Stm.inTransaction()).isFalse();
        assertThatThrownBy(Stm::retry).isInstanceOf(IllegalStateException.class).hasMessageContaining("Stm.retry()");
        assertThatThrownBy(() -> Stm.afterCommit(() -> { })).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> Stm.afterRollback(() -> { })).isInstanceOf(IllegalStateException.class);
        assertThat(Stm.atomic(Stm::inTransaction)).isTrue();
    }

    @Test
    void afterCommitRunsOnceAfterTheOutermostCommit() {
        put("a", 0);
        List<String> log = new ArrayList<>();
        AtomicInteger runs = new AtomicInteger();
        Stm.atomic(() -> {
            Object a = get("a");
            Stm.afterCommit(() -> log.add("outer, inTransaction=" + Stm.inTransaction()));
            Stm.atomic(() -> Stm.afterCommit(() -> log.add("inner")));
            if (runs.incrementAndGet() == 1) {
                other.run(() -> StoreKeys.increment(s, "a")); // the first attempt's hooks must be dropped
            }
            write("a", a);
            assertThat(log).isEmpty();
        });
        assertThat(runs.get()).isEqualTo(2);
        assertThat(log).containsExactly("outer, inTransaction=false", "inner");
    }

    @Test
    void afterRollbackRunsOnceForTheAttemptThatRolledBack() {
        put("a", 0);
        List<String> log = new ArrayList<>();
        AtomicInteger runs = new AtomicInteger();
        Stm.atomic(() -> {
            int run = runs.incrementAndGet();
            Object a = get("a");
            Stm.afterRollback(() -> log.add("rolled back " + run));
            if (run == 1) {
                other.run(() -> StoreKeys.increment(s, "a"));
            }
            write("a", a);
        });
        assertThat(log).containsExactly("rolled back 1");

        log.clear();
        RuntimeException boom = new RuntimeException("boom");
        assertThatThrownBy(() -> Stm.atomic(() -> {
            Stm.afterRollback(() -> log.add("after exception"));
            Stm.afterCommit(() -> log.add("never"));
            throw boom;
        })).isSameAs(boom);
        assertThat(log).containsExactly("after exception");
    }

    @Test
    void aThrowingAfterCommitHookKeepsTheCommitAndTheOtherHooksRun() {
        List<String> log = new ArrayList<>();
        IllegalStateException hookFailure = new IllegalStateException("hook");
        assertThatThrownBy(() -> Stm.atomic(() -> {
            write("a", 1);
            Stm.afterCommit(() -> {
                throw hookFailure;
            });
            Stm.afterCommit(() -> log.add("second"));
        })).isSameAs(hookFailure);
        assertThat(get("a")).isEqualTo(1);
        assertThat(log).containsExactly("second");
    }

    @Test
    void aHookMayRunATransactionOfItsOwn() {
        Stm.atomic(() -> {
            write("a", 1);
            Stm.afterCommit(() -> Stm.atomic(() -> write("b", get("a"))));
        });
        assertThat(get("b")).isEqualTo(1);
    }

    @Test
    void aSwallowedConflictStillReRunsTheBody() {
        put("a", 0);
        AtomicInteger runs = new AtomicInteger();
        Stm.atomic(() -> {
            Object a = get("a");
            if (runs.incrementAndGet() == 1) {
                other.run(() -> StoreKeys.increment(s, "a"));
                other.run(() -> StoreKeys.increment(s, "a"));
                try {
                    get("b"); // meets a newer version than the snapshot; extension fails: conflict
                    write("c", a);
                    s.useVar("a").commit(); // stale: conflict
                } catch (Throwable swallowed) {
                    // a careless body
                }
            }
            write("a", a);
        });
        assertThat(runs.get()).isEqualTo(2);
        assertThat(get("a")).isEqualTo(2);
    }
}
