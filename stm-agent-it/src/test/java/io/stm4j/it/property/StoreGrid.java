package io.stm4j.it.property;

import io.stm4j.Stm;
import io.stm4j.Store;
import io.stm4j.Value;
import io.stm4j.testkit.EngineAudit;
import java.util.concurrent.atomic.AtomicLong;

/** {@link Grid} on store keys. */
final class StoreGrid implements Grid {
    private final Store store = Store.create();
    private final String[] cells;

    StoreGrid(int n) {
        cells = new String[n];
        for (int i = 0; i < n; i++) {
            cells[i] = "cell-" + i;
        }
        Stm.atomic(() -> {
            for (String c : cells) {
                put(c, 0L);
            }
            put("total", 0L);
        });
    }

    private long get(String key) {
        return store.<Long>useVar(key).get();
    }

    private void put(String key, long v) {
        Value<Long> x = store.useVar(key);
        x.set(v);
        x.commit();
    }

    @Override
    public int size() {
        return cells.length;
    }

    @Override
    public void increment(int i) {
        Stm.atomic(() -> put(cells[i], get(cells[i]) + 1));
    }

    @Override
    public long sumIntoTotal(Runnable afterEachRead, AtomicLong attempts) {
        return Stm.atomic(() -> {
            attempts.incrementAndGet();
            long sum = 0;
            for (String c : cells) {
                sum += get(c);
                afterEachRead.run();
            }
            put("total", sum);
            return sum;
        });
    }

    @Override
    public void move(int from, int to, long amount) {
        Stm.atomic(() -> {
            put(cells[from], get(cells[from]) - amount);
            put(cells[to], get(cells[to]) + amount);
        });
    }

    @Override
    public void readAllAddTwo(int i, int j, int spin, AtomicLong attempts) {
        Stm.atomic(() -> {
            attempts.incrementAndGet();
            long sum = 0;
            for (String c : cells) {
                sum += get(c);
            }
            Grid.spin(spin);
            put(cells[i], get(cells[i]) + 1);
            put(cells[j], get(cells[j]) + 1);
            return sum;
        });
    }

    @Override
    public long total() {
        return get("total");
    }

    @Override
    public long sum() {
        return Stm.atomic(() -> {
            long sum = 0;
            for (String c : cells) {
                sum += get(c);
            }
            return sum;
        });
    }

    @Override
    public int assertNoCellLocked() {
        return EngineAudit.assertUnlocked(store);
    }
}
