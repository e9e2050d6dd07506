package io.stm4j.it.fault;

import io.stm4j.Atomic;
import io.stm4j.Shared;
import io.stm4j.testkit.EngineAudit;

/** {@link Deep} with nested {@code @Atomic} methods. */
final class SharedDeep implements Deep {
    @Shared long marker;
    @Shared long before;
    @Shared long after;

    @Override
    @Atomic
    public long dive(long n) {
        marker = n;
        return dive(n + 1) + marker;
    }

    @Override
    @Atomic
    public StackOverflowError diveAndCatch() {
        before = 1;
        StackOverflowError caught = null;
        try {
            dive(1);
        } catch (StackOverflowError e) {
            caught = e;
        }
        after = 2;
        return caught;
    }

    @Override
    @Atomic
    public void nest(int depth) {
        if (depth > 1) {
            nest(depth - 1);
        }
        marker = depth;
    }

    @Override
    public long[] values() {
        return new long[] {marker, before, after};
    }

    @Override
    public void reset() {
        marker = 0;
        before = 0;
        after = 0;
    }

    @Override
    public int assertNoCellLocked() {
        return EngineAudit.assertUnlocked(this);
    }
}
