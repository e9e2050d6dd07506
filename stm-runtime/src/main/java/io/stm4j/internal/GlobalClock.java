package io.stm4j.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The global version clock (TL2/LSA): a transaction's snapshot is the clock's value when it
 * started, and every commit takes the next tick as the stamp of the versions it publishes. The
 * counter sits on its own cache line so that reading it does not share a line with anything else.
 */
final class GlobalClock {
    private static final VarHandle TIME;

    static {
        try {
            TIME = MethodHandles.lookup().findVarHandle(Padded.class, "time", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused")
    static final class Padded {
        long p0, p1, p2, p3, p4, p5, p6;
        volatile long time;
        long q0, q1, q2, q3, q4, q5, q6;
    }

    private static final Padded CLOCK = new Padded();

    private GlobalClock() {
    }

    /** @return the stamp of the latest commit that has started publishing */
    static long now() {
        return CLOCK.time;
    }

    /** @return a fresh commit stamp, greater than every stamp handed out before */
    static long tick() {
        return (long) TIME.getAndAdd(CLOCK, 1L) + 1L;
    }
}
