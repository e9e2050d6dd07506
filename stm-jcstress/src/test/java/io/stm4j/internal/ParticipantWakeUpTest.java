package io.stm4j.internal;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.util.concurrent.TimeUnit;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Mode;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.Signal;
import org.openjdk.jcstress.annotations.State;

/**
 * No lost wake-up in {@code Stm.retry()} on a {@link Participant}'s watch: a participant's change
 * signal (the engine's callback, which sets the transaction's {@code externalChanged} and then calls
 * {@link Blocking#wake()}) racing a transaction that is about to wait in
 * {@link Blocking#awaitChange} is never lost: either the waiter sees the flag before it waits, or it
 * is woken. {@link RetryWakeUpTest} covers the same wait against in-memory commits.
 *
 * <p>The waiter is a real transaction: it reads the other system's state through a scripted
 * participant ({@link Watched}) and calls retry while that state is unchanged, so the engine calls
 * {@link Participant#watch} and then blocks in {@code awaitChange}. The {@link Signal} plays the
 * other system and its watch's thread: it changes the state, then calls the callback that the
 * engine handed to {@code watch}, if it was handed over yet. The scripted watch keeps the contract
 * of {@link Participant#watch} ("once any of it has changed, calls {@code changed} at least once")
 * the way etcd's watch from the read revision does: it registers the callback and then looks whether
 * the state has already changed, and if so calls back at once, on the waiter's own thread. Both sides
 * write one volatile and then read the other's, so at least one of them calls back.
 *
 * <p>Memory-model claim: the callback's volatile store to {@code externalChanged} comes before its
 * {@code wake()}, which takes the waiting room's lock; the waiter checks the flag with that lock held
 * and releases it only inside {@code await}. So the check sees the callback's store, or the
 * callback's {@code signalAll} comes after the waiter is parked on the condition; and the flag is
 * reset before {@code watch} is called, never after. Every interleaving ends the wait: the callback
 * before {@code watch} returns, between {@code watch} and the check, between the check and the
 * {@code await} (held off by the lock), or during the {@code await}. Staying blocked although the
 * participant signalled is a lost wake-up: forbidden.
 *
 * <p>Here the signal comes whenever jcstress's control thread gets to it: mostly before the
 * waiter's first read (no wait at all) or once it is parked, sometimes between the first read and
 * the {@code watch} (the watch then calls back at once). {@link RacingTheWait} aims it at the
 * narrow window between {@code watch} and the {@code await}. Both report the lost wake-up when
 * {@code awaitChange} checks the flag before it takes the lock (and not again under it); this one
 * also when the engine resets the flag after {@code watch} instead of before.
 */
@JCStressTest(Mode.Termination)
@Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "woken by the participant's signal, or saw its flag before waiting")
@Outcome(id = "STALE", expect = FORBIDDEN, desc = "lost wake-up: blocked although the participant signalled a change")
@State
public class ParticipantWakeUpTest {

    final OtherSystem other = new OtherSystem();

    @Actor
    public void waiter() {
        other.awaitChange();
    }

    @Signal
    public void signal() {
        other.change();
    }

    /**
     * The same, with the signal sent as soon as the engine has called {@code watch}: the callback
     * then races the waiter's way from {@code watch} through the check to the {@code await}. The
     * signal waits for the watch by spinning, for 100 ms at most (then it signals all the same).
     */
    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "woken by the participant's signal, or saw its flag before waiting")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "lost wake-up: blocked although the participant signalled a change")
    @State
    public static class RacingTheWait {

        final OtherSystem other = new OtherSystem();

        @Actor
        public void waiter() {
            other.awaitChange();
        }

        @Signal
        public void signal() {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
            while (other.watching == null && System.nanoTime() - deadline < 0) {
                Thread.onSpinWait();
            }
            other.change();
        }
    }

    /** The other system's state (one flag) and its watch, which a transaction reads through {@link Watched}. */
    static final class OtherSystem {
        volatile boolean changed;
        /** The engine's callback while a transaction watches; null before {@code watch} and after {@code unwatch}. */
        volatile Runnable watching;

        /** A transaction that waits in {@code Stm.retry()} until it reads the flag set. */
        void awaitChange() {
            Transactions.atomic(() -> {
                Watched p = Participant.join(this, () -> new Watched(this));
                if (!p.read()) {
                    throw Txn.current().requestRetry();
                }
            }, -1, -1L, false);
        }

        /** Sets the flag, then calls back as the watch's thread does once it sees the change. */
        void change() {
            changed = true;
            Runnable callback = watching;
            if (callback != null) {
                callback.run();
            }
        }
    }

    /** A participant that reads {@link OtherSystem#changed} and watches it. */
    static final class Watched extends Participant {
        private final OtherSystem other;
        private boolean read;

        Watched(OtherSystem other) {
            this.other = other;
        }

        boolean read() {
            read = true;
            return other.changed;
        }

        @Override
        protected void beginAttempt() {
            read = false;
        }

        @Override
        protected boolean hasReads() {
            return read;
        }

        @Override
        protected boolean hasWrites() {
            return false;
        }

        @Override
        protected boolean commit(boolean alsoMemory) {
            return true;
        }

        @Override
        protected Throwable conflictCause() {
            return null;
        }

        @Override
        protected void watch(Runnable callback) {
            other.watching = callback;
            if (other.changed) {
                callback.run(); // changed before the watch began: reported at once
            }
        }

        @Override
        protected void unwatch() {
            other.watching = null;
        }

        @Override
        protected void ended() {
            read = false;
        }
    }
}
