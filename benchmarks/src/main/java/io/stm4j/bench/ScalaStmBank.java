package io.stm4j.bench;

import scala.concurrent.stm.Ref;
import scala.concurrent.stm.japi.STM;

/** ScalaSTM 0.11 through its Java API: {@link STM#atomic}, {@link STM#newRef}, {@code Ref.View}. */
final class ScalaStmBank implements Bank {
    private final Ref.View<Long> counter = STM.newRef(0L);
    private final Ref.View<Long>[] acct = refs(ACCOUNTS, INITIAL);
    private final Ref.View<Long>[] hot = refs(HOT, 0L);

    @SuppressWarnings("unchecked")
    private static Ref.View<Long>[] refs(int n, long initial) {
        Ref.View<Long>[] rs = (Ref.View<Long>[]) new Ref.View<?>[n];
        for (int i = 0; i < n; i++) {
            rs[i] = STM.newRef(initial);
        }
        return rs;
    }

    private static void add(Ref.View<Long> r, long delta) {
        r.set(r.get() + delta);
    }

    @Override
    public long readCounter() {
        return STM.atomic(() -> counter.get());
    }

    @Override
    public void incCounter() {
        STM.atomic(() -> add(counter, 1L));
    }

    @Override
    public void transfer(int from, int to) {
        STM.atomic(() -> {
            add(acct[from], -1L);
            add(acct[to], 1L);
        });
    }

    @Override
    public long sum(int[] accounts) {
        return STM.atomic(() -> {
            long s = 0;
            for (int i : accounts) {
                s += acct[i].get();
            }
            return s;
        });
    }

    @Override
    public void incHot() {
        STM.atomic(() -> {
            for (Ref.View<Long> h : hot) {
                add(h, 1L);
            }
        });
    }

    @Override
    public long total() {
        return STM.atomic(() -> {
            long s = 0;
            for (Ref.View<Long> a : acct) {
                s += a.get();
            }
            return s;
        });
    }

    @Override
    public long[] hotCells() {
        return STM.atomic(() -> {
            long[] h = new long[HOT];
            for (int i = 0; i < HOT; i++) {
                h[i] = hot[i].get();
            }
            return h;
        });
    }
}
