package io.stm4j.bench;

import clojure.lang.LockingTransaction;
import clojure.lang.Ref;
import java.util.concurrent.Callable;

/**
 * Clojure 1.12 refs from Java: {@link LockingTransaction#runInTransaction(Callable)} (what
 * {@code dosync} expands to), {@link Ref#deref()} and {@link Ref#set(Object)} ({@code ref-set}).
 */
final class ClojureBank implements Bank {
    private final Ref counter = new Ref(0L);
    private final Ref[] acct = refs(ACCOUNTS, INITIAL);
    private final Ref[] hot = refs(HOT, 0L);

    private static Ref[] refs(int n, long initial) {
        Ref[] rs = new Ref[n];
        for (int i = 0; i < n; i++) {
            rs[i] = new Ref(initial);
        }
        return rs;
    }

    private static <T> T dosync(Callable<T> body) {
        try {
            @SuppressWarnings("unchecked")
            T result = (T) LockingTransaction.runInTransaction(body);
            return result;
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static long get(Ref r) {
        return (Long) r.deref();
    }

    private static void add(Ref r, long delta) {
        r.set(get(r) + delta);
    }

    @Override
    public long readCounter() {
        return dosync(() -> get(counter));
    }

    @Override
    public void incCounter() {
        dosync(() -> {
            add(counter, 1L);
            return null;
        });
    }

    @Override
    public void transfer(int from, int to) {
        dosync(() -> {
            add(acct[from], -1L);
            add(acct[to], 1L);
            return null;
        });
    }

    @Override
    public long sum(int[] accounts) {
        return dosync(() -> {
            long s = 0;
            for (int i : accounts) {
                s += get(acct[i]);
            }
            return s;
        });
    }

    @Override
    public void incHot() {
        dosync(() -> {
            for (Ref h : hot) {
                add(h, 1L);
            }
            return null;
        });
    }

    @Override
    public long total() {
        return dosync(() -> {
            long s = 0;
            for (Ref a : acct) {
                s += get(a);
            }
            return s;
        });
    }

    @Override
    public long[] hotCells() {
        return dosync(() -> {
            long[] h = new long[HOT];
            for (int i = 0; i < HOT; i++) {
                h[i] = get(hot[i]);
            }
            return h;
        });
    }
}
