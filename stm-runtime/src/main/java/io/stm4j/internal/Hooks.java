package io.stm4j.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code afterCommit} and {@code afterRollback} hooks of one thread's transaction, in the
 * order they were registered, and where they run: outside the transaction, on a spare
 * transaction of the same thread made current while they run (a hook may start transactions of
 * its own).
 */
final class Hooks {
    private final List<Runnable> onCommit = new ArrayList<>();
    private final List<Runnable> onRollback = new ArrayList<>();
    private Txn spare;

    void addCommit(Runnable r) {
        onCommit.add(r);
    }

    void addRollback(Runnable r) {
        onRollback.add(r);
    }

    boolean isEmpty() {
        return onCommit.isEmpty() && onRollback.isEmpty();
    }

    int commitCount() {
        return onCommit.size();
    }

    int rollbackCount() {
        return onRollback.size();
    }

    /** @return the commit hooks, removed from here, or null if there are none */
    Runnable[] takeCommit() {
        return take(onCommit, 0);
    }

    /** @return the rollback hooks registered from the {@code from}-th on, removed from here, or null */
    Runnable[] takeRollback(int from) {
        return take(onRollback, from);
    }

    /** Drops the commit hooks registered from the {@code from}-th on (their scope was undone). */
    void dropCommit(int from) {
        if (onCommit.size() > from) {
            onCommit.subList(from, onCommit.size()).clear();
        }
    }

    void clear() {
        if (!onCommit.isEmpty()) {
            onCommit.clear();
        }
        if (!onRollback.isEmpty()) {
            onRollback.clear();
        }
    }

    private static Runnable[] take(List<Runnable> hooks, int from) {
        if (hooks.size() <= from) {
            return null;
        }
        List<Runnable> part = hooks.subList(from, hooks.size());
        Runnable[] taken = part.toArray(new Runnable[0]);
        part.clear();
        return taken;
    }

    /**
     * Runs {@code hooks} (null: none) outside the transaction {@code owner}; every hook runs. A
     * failure is added to {@code primary} as suppressed when there is one (the exception already
     * propagating); otherwise the first failure is thrown once all have run, with the others
     * suppressed in it.
     */
    void run(Runnable[] hooks, Throwable primary, Txn owner) {
        if (hooks == null) {
            return;
        }
        Txn s = spare != null ? spare : (spare = new Txn());
        Txn.setCurrent(s);
        Throwable first = null;
        try {
            for (Runnable h : hooks) {
                try {
                    h.run();
                } catch (Throwable e) {
                    if (primary != null) {
                        primary.addSuppressed(e);
                    } else if (first == null) {
                        first = e;
                    } else {
                        first.addSuppressed(e);
                    }
                }
            }
        } finally {
            Txn.setCurrent(owner);
        }
        if (first != null) {
            throw Txn.sneaky(first);
        }
    }
}
