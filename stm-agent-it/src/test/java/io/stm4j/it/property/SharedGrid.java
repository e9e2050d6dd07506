package io.stm4j.it.property;

import io.stm4j.Atomic;
import io.stm4j.Shared;
import io.stm4j.testkit.EngineAudit;
import java.util.concurrent.atomic.AtomicLong;

/** {@link Grid} on annotated classes. */
final class SharedGrid implements Grid {
    static final class Slot {
        @Shared long v;
    }

    private final Slot[] cells;
    @Shared long total;

    SharedGrid(int n) {
        cells = new Slot[n];
        for (int i = 0; i < n; i++) {
            cells[i] = new Slot();
        }
    }

    @Override
    public int size() {
        return cells.length;
    }

    @Override
    @Atomic
    public void increment(int i) {
        cells[i].v++;
    }

    @Override
    @Atomic
    public long sumIntoTotal(Runnable afterEachRead, AtomicLong attempts) {
        attempts.incrementAndGet();
        long sum = 0;
        for (Slot c : cells) {
            sum += c.v;
            afterEachRead.run();
        }
        total = sum;
        return sum;
    }

    @Override
    @Atomic
    public void move(int from, int to, long amount) {
        cells[from].v -= amount;
        cells[to].v += amount;
    }

    @Override
    @Atomic
    public void readAllAddTwo(int i, int j, int spin, AtomicLong attempts) {
        attempts.incrementAndGet();
        long sum = 0;
        for (Slot c : cells) {
            sum += c.v;
        }
        Grid.spin(spin);
        cells[i].v++;
        cells[j].v++;
    }

    @Override
    public long total() {
        return total;
    }

    @Override
    @Atomic(readOnly = true)
    public long sum() {
        long sum = 0;
        for (Slot c : cells) {
            sum += c.v;
        }
        return sum;
    }

    @Override
    public int assertNoCellLocked() {
        Object[] all = new Object[cells.length + 1];
        System.arraycopy(cells, 0, all, 0, cells.length);
        all[cells.length] = this;
        return EngineAudit.assertUnlocked(all);
    }
}
