package io.stm4j.bench;

import org.multiverse.api.StmUtils;
import org.multiverse.api.callables.TxnCallable;
import org.multiverse.api.callables.TxnLongCallable;
import org.multiverse.api.callables.TxnVoidCallable;
import org.multiverse.api.references.TxnLong;

/**
 * Multiverse 0.7 through {@link StmUtils#atomic} and {@link TxnLong}s, passing the transaction
 * explicitly ({@code get(tx)} / {@code set(tx, v)}) as its documentation recommends.
 */
final class MultiverseBank implements Bank {
    private final TxnLong counter = StmUtils.newTxnLong(0L);
    private final TxnLong[] acct = longs(ACCOUNTS, INITIAL);
    private final TxnLong[] hot = longs(HOT, 0L);

    private static TxnLong[] longs(int n, long initial) {
        TxnLong[] rs = new TxnLong[n];
        for (int i = 0; i < n; i++) {
            rs[i] = StmUtils.newTxnLong(initial);
        }
        return rs;
    }

    @Override
    public long readCounter() {
        return StmUtils.atomic((TxnLongCallable) tx -> counter.get(tx));
    }

    @Override
    public void incCounter() {
        StmUtils.atomic((TxnVoidCallable) tx -> counter.set(tx, counter.get(tx) + 1L));
    }

    @Override
    public void transfer(int from, int to) {
        StmUtils.atomic((TxnVoidCallable) tx -> {
            TxnLong a = acct[from];
            TxnLong b = acct[to];
            a.set(tx, a.get(tx) - 1L);
            b.set(tx, b.get(tx) + 1L);
        });
    }

    @Override
    public long sum(int[] accounts) {
        return StmUtils.atomic((TxnLongCallable) tx -> {
            long s = 0;
            for (int i : accounts) {
                s += acct[i].get(tx);
            }
            return s;
        });
    }

    @Override
    public void incHot() {
        StmUtils.atomic((TxnVoidCallable) tx -> {
            for (TxnLong h : hot) {
                h.set(tx, h.get(tx) + 1L);
            }
        });
    }

    @Override
    public long total() {
        return StmUtils.atomic((TxnLongCallable) tx -> {
            long s = 0;
            for (TxnLong a : acct) {
                s += a.get(tx);
            }
            return s;
        });
    }

    @Override
    public long[] hotCells() {
        return StmUtils.atomic((TxnCallable<long[]>) tx -> {
            long[] h = new long[HOT];
            for (int i = 0; i < HOT; i++) {
                h[i] = hot[i].get(tx);
            }
            return h;
        });
    }
}
