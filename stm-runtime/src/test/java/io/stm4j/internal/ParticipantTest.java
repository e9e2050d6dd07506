package io.stm4j.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stm4j.CommitOutcomeUnknown;
import io.stm4j.ConcurrentUpdate;
import io.stm4j.MaxRetriesExceeded;
import io.stm4j.Stm;
import io.stm4j.Store;
import io.stm4j.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The engine's side of {@link Participant}: a resource outside the cells (here a scripted fake)
 * joins a transaction, is undone with nested scopes, decides the commit with the cells locked,
 * and wakes {@code Stm.retry()}.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ParticipantTest {

    /** A participant that keeps a map of staged writes and lets the test script its commit. */
    static final class Fake extends Participant {
        final Map<String, Object> committed = new HashMap<>();
        final Map<String, Object> staged = new HashMap<>();
        final List<String> events = new CopyOnWriteArrayList<>();
        int reads;
        /** What the next commits answer: true, false, or an exception to throw. */
        final List<Object> answers = new ArrayList<>();
        volatile Runnable watching;

        static Fake join(Fake f) {
            return Participant.join(Fake.class, () -> f);
        }

        Object read(String k) {
            reads++;
            return staged.containsKey(k) ? staged.get(k) : committed.get(k);
        }

        void write(String k, Object v) {
            boolean had = staged.containsKey(k);
            Object before = staged.get(k);
            staged.put(k, v);
            Participant.onScopeUndo(() -> {
                if (had) {
                    staged.put(k, before);
                } else {
                    staged.remove(k);
                }
            });
        }

        @Override
        protected void beginAttempt() {
            events.add("begin");
            staged.clear();
            reads = 0;
        }

        @Override
        protected boolean hasReads() {
            return reads > 0;
        }

        @Override
        protected boolean hasWrites() {
            return !staged.isEmpty();
        }

        @Override
        protected boolean commit(boolean alsoMemory) {
            events.add("commit memory=" + alsoMemory);
            Object answer = answers.isEmpty() ? Boolean.TRUE : answers.remove(0);
            if (answer instanceof RuntimeException) {
                throw (RuntimeException) answer;
            }
            if ((Boolean) answer) {
                committed.putAll(staged);
            }
            return (Boolean) answer;
        }

        @Override
        protected Throwable conflictCause() {
            return new ConcurrentUpdate("the fake's key changed");
        }

        @Override
        protected void watch(Runnable changed) {
            events.add("watch");
            watching = changed;
        }

        @Override
        protected void unwatch() {
            events.add("unwatch");
            watching = null;
        }

        @Override
        protected void ended() {
            events.add("ended");
            staged.clear();
        }
    }

    @Test
    void outsideATransactionNothingJoins() {
        assertThat(Participant.join(Fake.class, Fake::new)).isNull();
        assertThat(Participant.ofCurrentTransaction()).isEmpty();
        assertThatThrownBy(() -> Participant.conflict(new RuntimeException("x"))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void oneParticipantPerKeyCommitsTogetherWithMemory() {
        Fake f = new Fake();
        Store memory = Store.create();
        Stm.atomic(() -> {
            assertThat(Fake.join(f)).isSameAs(f).isSameAs(Participant.join(Fake.class, Fake::new));
            assertThat(Participant.ofCurrentTransaction()).containsExactly(f);
            f.write("k", 1);
            Value<Integer> m = memory.useVar("m");
            m.set(1);
            m.commit();
        });
        assertThat(f.committed).containsEntry("k", 1);
        assertThat(memory.useVar("m").get()).isEqualTo(1);
        assertThat(f.events).containsExactly("commit memory=true", "ended");
    }

    @Test
    void aRefusalReRunsTheBodyAndPublishesNothingInMemory() {
        Fake f = new Fake();
        f.answers.add(Boolean.FALSE);
        Store memory = Store.create();
        AtomicInteger attempts = new AtomicInteger();
        List<Object> seenOutside = new CopyOnWriteArrayList<>();
        Stm.atomic(() -> {
            int a = attempts.incrementAndGet();
            Fake.join(f).write("k", a);
            Value<Integer> m = memory.useVar("m");
            m.set(a);
            m.commit();
        });
        Thread t = new Thread(() -> seenOutside.add(memory.useVar("m").get()));
        t.start();
        joinBounded(t);
        assertThat(attempts.get()).isEqualTo(2);
        assertThat(seenOutside).containsExactly(2);
        assertThat(memory.useVar("m").version()).isEqualTo(1);
        assertThat(f.committed).containsEntry("k", 2);
        assertThat(f.events).containsExactly("commit memory=true", "begin", "commit memory=true", "ended");
    }

    @Test
    void refusalsCountAgainstTheLimitsAndTheCauseIsTheParticipants() {
        Fake f = new Fake();
        f.answers.add(Boolean.FALSE);
        f.answers.add(Boolean.FALSE);
        assertThatThrownBy(() -> Transactions.atomic(() -> {
            Fake.join(f).write("k", 1);
            return null;
        }, 1, -1L, false)).isInstanceOf(MaxRetriesExceeded.class).hasCauseInstanceOf(ConcurrentUpdate.class)
                .cause().hasMessageContaining("fake");
        assertThat(f.committed).isEmpty();
        assertThat(f.events).last().isEqualTo("ended");
    }

    @Test
    void anUnknownOutcomeEndsTheTransactionWithoutHooksAndWithoutMemory() {
        Fake f = new Fake();
        f.answers.add(new CommitOutcomeUnknown("lost", null));
        Store memory = Store.create();
        List<String> hooks = new CopyOnWriteArrayList<>();
        assertThatThrownBy(() -> Stm.atomic(() -> {
            Stm.afterCommit(() -> hooks.add("commit"));
            Stm.afterRollback(() -> hooks.add("rollback"));
            Fake.join(f).write("k", 1);
            Value<Integer> m = memory.useVar("m");
            m.set(1);
            m.commit();
        })).isInstanceOf(CommitOutcomeUnknown.class);
        assertThat(hooks).isEmpty();
        assertThat(memory.useVar("m").get()).isNull();
        assertThat(Stm.inTransaction()).isFalse();
        assertThat(f.events).containsExactly("commit memory=true", "ended");
    }

    @Test
    void aParticipantRefusingBeforeSendingRollsBackWithTheHooks() {
        Fake f = new Fake();
        f.answers.add(new IllegalArgumentException("too many keys"));
        List<String> hooks = new CopyOnWriteArrayList<>();
        assertThatThrownBy(() -> Stm.atomic(() -> {
            Stm.afterRollback(() -> hooks.add("rollback"));
            Fake.join(f).write("k", 1);
        })).isInstanceOf(IllegalArgumentException.class).hasMessage("too many keys");
        assertThat(hooks).containsExactly("rollback");
        assertThat(Stm.inTransaction()).isFalse();
    }

    @Test
    void aNestedScopeThatThrowsUndoesTheParticipantsWritesOfThatScopeOnly() {
        Fake f = new Fake();
        Stm.atomic(() -> {
            Fake.join(f).write("outer", "kept");
            try {
                Stm.atomic(() -> {
                    Fake p = Fake.join(f);
                    p.write("outer", "undone");
                    p.write("inner", "undone");
                    Stm.atomic(() -> Fake.join(f).write("deeper", "undone with its parent"));
                    throw new IllegalStateException("inner");
                });
            } catch (IllegalStateException expected) {
                assertThat(f.staged).containsExactly(Map.entry("outer", "kept"));
            }
            Stm.orElse(() -> {
                Fake.join(f).write("first", "undone");
                f.read("gate");
                Stm.retry();
            }, () -> Fake.join(f).write("second", "kept"));
        });
        assertThat(f.committed).containsOnly(Map.entry("outer", "kept"), Map.entry("second", "kept"));
    }

    @Test
    void onlyReadsNeedNoCommitUnlessMemoryIsTouchedToo() {
        Fake f = new Fake();
        Stm.atomic(() -> {
            Fake.join(f).read("k");
        });
        assertThat(f.events).containsExactly("ended");
        Store memory = Store.create();
        Stm.atomic(() -> {
            Fake.join(f).read("k");
            memory.useVar("m").get();
        });
        assertThat(f.events).containsExactly("ended", "commit memory=true", "ended");
    }

    @Test
    void aReadOnlyTransactionStartsAgainRecordingWhenAParticipantJoins() {
        Fake f = new Fake();
        Store memory = Store.create();
        Value<Integer> m = memory.useVar("m");
        m.set(5);
        m.commit();
        AtomicInteger runs = new AtomicInteger();
        Object got = Transactions.atomic(() -> {
            runs.incrementAndGet();
            int x = memory.<Integer>useVar("m").get();
            f.reads++;
            Fake.join(f);
            return x;
        }, 0, -1L, true); // maxRetries 0: the restart is not an attempt
        assertThat(got).isEqualTo(5);
        assertThat(runs.get()).isEqualTo(2);
        assertThat(f.events).containsExactly("commit memory=true", "ended");
    }

    @Test
    void retryWaitsForTheParticipantsWatchAndUnwatchesAfter() throws Exception {
        Fake f = new Fake();
        AtomicInteger attempts = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread waiter = new Thread(() -> {
            try {
                Stm.atomic(() -> {
                    Fake p = Fake.join(f);
                    if (p.read("flag") == null) {
                        attempts.incrementAndGet();
                        Stm.retry();
                    }
                });
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        waiter.start();
        while (f.watching == null && waiter.isAlive()) {
            Thread.onSpinWait();
        }
        Runnable changed = f.watching;
        assertThat(changed).isNotNull();
        f.committed.put("flag", true);
        changed.run();
        joinBounded(waiter);
        assertThat(failure.get()).isNull();
        assertThat(attempts.get()).isEqualTo(1);
        assertThat(f.events).containsSubsequence("watch", "unwatch", "begin", "ended");
    }

    @Test
    void retryWithOnlyAParticipantsReadsIsNotAnEmptyWait() {
        Fake f = new Fake();
        String got = Stm.atomic(() -> {
            Fake p = Fake.join(f);
            p.read("never");
            Stm.retryFor(java.time.Duration.ofMillis(50));
            return "went on";
        });
        assertThat(got).isEqualTo("went on");
    }

    @Test
    void twoParticipantsThatBothWriteCannotCommitTogether() {
        Fake a = new Fake();
        Fake b = new Fake();
        assertThatThrownBy(() -> Stm.atomic(() -> {
            Fake.join(a).write("k", 1);
            Participant.join("another", () -> b).write("k", 2);
        })).isInstanceOf(IllegalStateException.class).hasMessageContaining("one external store");
        assertThat(a.committed).isEmpty();
        assertThat(b.committed).isEmpty();
    }

    private static void joinBounded(Thread t) {
        try {
            t.join(TimeUnit.SECONDS.toMillis(20));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        assertThat(t.isAlive()).as("thread still running").isFalse();
    }
}
