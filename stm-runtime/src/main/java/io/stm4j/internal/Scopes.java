package io.stm4j.internal;

import io.stm4j.StmException;
import java.util.Arrays;

/**
 * A transaction's third layer: nesting. Each nested scope ({@code @Atomic} method or
 * {@code Stm.atomic} block inside another) gets a fresh scope id; a write over an entry of an
 * enclosing scope first saves that entry in an undo log, so that an exception escaping the inner
 * scope restores exactly what the enclosing scope had written (its own new entries are dropped,
 * and so are its hooks). A scope that ends normally merges into its parent for free: its entries
 * simply stay.
 *
 * <p>Also here: repairing scopes whose end was lost to a stack overflow ({@link TxnState}).
 */
abstract class Scopes extends WriteSet {
    /** The current scope's id (0 in the outermost body) and the next id to hand out. */
    int scope;
    private int nextScope;
    /** Per open nested scope: the parent's id and the marks to undo to. */
    private int[] scopeStack = new int[8];
    private int[] markWrites = new int[8];
    private int[] markUndo = new int[8];
    private int[] markCommitHooks = new int[8];
    private int[] markRollbackHooks = new int[8];
    private int[] markReadOnly = new int[8];
    /** How many open scopes are read-only. */
    int readOnlyScopes;
    // undo log: entry number, and what the entry held before an inner scope overwrote it
    private int[] uIndex = new int[8];
    private Object[] uRefs = new Object[8];
    private long[] uPrims = new long[8];
    private int[] uScopes = new int[8];
    private int nUndo;
    /** Whether the undo log has held entries since {@link #clearUndo} last cleared it. */
    private boolean undoUsed;
    /** Undo actions of {@link Participant}s, run backwards when their scope is undone. */
    private Runnable[] xUndo = new Runnable[4];
    private int nXUndo;
    private int[] markXUndo = new int[8];

    final Hooks hooks = new Hooks();

    Scopes() {
    }

    /** Whether {@link #alert} must be set (see {@link TxnState#alert}). */
    abstract boolean alertNeeded();

    /** Starts an attempt with no scope open below the outermost body. */
    final void resetScopes() {
        nUndo = 0;
        clearExternalUndo(0);
        scope = 0;
        nextScope = 0;
        readOnlyScopes = 0;
    }

    /** Writes entry {@code i} from the current scope, saving what an enclosing scope wrote there. */
    final void overwrite(int i, Object ref, long prim) {
        if (depth > 1 && wScope[i] != scope) {
            pushUndo(i);
        }
        wRefs[i] = ref;
        wPrims[i] = prim;
        wScope[i] = scope;
    }

    private void pushUndo(int i) {
        if (nUndo == uIndex.length) {
            int n = nUndo * 2;
            uIndex = Arrays.copyOf(uIndex, n);
            uRefs = Arrays.copyOf(uRefs, n);
            uPrims = Arrays.copyOf(uPrims, n);
            uScopes = Arrays.copyOf(uScopes, n);
        }
        undoUsed = true;
        uIndex[nUndo] = i;
        uRefs[nUndo] = wRefs[i];
        uPrims[nUndo] = wPrims[i];
        uScopes[nUndo] = wScope[i];
        nUndo++;
    }

    /** Registers a {@link Participant}'s undo action in the innermost open nested scope. */
    final void pushExternalUndo(Runnable undo) {
        if (nXUndo == xUndo.length) {
            xUndo = Arrays.copyOf(xUndo, nXUndo * 2);
        }
        xUndo[nXUndo++] = undo;
    }

    private void clearExternalUndo(int from) {
        if (nXUndo > from) {
            Arrays.fill(xUndo, from, nXUndo, null);
            nXUndo = from;
        }
    }

    /** Forgets the undo log (the attempt is over); values it held are not kept alive. */
    final void clearUndo() {
        nUndo = 0;
        clearExternalUndo(0);
        if (undoUsed) {
            Arrays.fill(uRefs, null);
            undoUsed = false;
        }
    }

    final void pushScope(boolean readOnlyScope) {
        int d = depth;
        if (d == scopeStack.length) {
            int n = d * 2;
            scopeStack = Arrays.copyOf(scopeStack, n);
            markWrites = Arrays.copyOf(markWrites, n);
            markUndo = Arrays.copyOf(markUndo, n);
            markCommitHooks = Arrays.copyOf(markCommitHooks, n);
            markRollbackHooks = Arrays.copyOf(markRollbackHooks, n);
            markReadOnly = Arrays.copyOf(markReadOnly, n);
            markXUndo = Arrays.copyOf(markXUndo, n);
        }
        scopeStack[d] = scope;
        markWrites[d] = nWrites;
        markUndo[d] = nUndo;
        markCommitHooks[d] = hooks.commitCount();
        markRollbackHooks[d] = hooks.rollbackCount();
        markReadOnly[d] = readOnlyScopes;
        markXUndo[d] = nXUndo;
        if (readOnlyScope) {
            readOnlyScopes++;
        }
        scope = ++nextScope;
        depth = d + 1;
    }

    /** Ends the innermost nested scope normally: its writes and hooks now belong to its parent. */
    final void popScope() {
        int d = --depth;
        scope = scopeStack[d];
        readOnlyScopes = markReadOnly[d];
    }

    /**
     * An exception escaped the innermost nested scope: undoes only that scope's writes and hooks,
     * ends it, and runs its rollback hooks.
     */
    final void undoScope(Throwable failure) {
        int d = depth - 1;
        int undoMark = markUndo[d];
        for (int i = nUndo - 1; i >= undoMark; i--) {
            int w = uIndex[i];
            wRefs[w] = uRefs[i];
            wPrims[w] = uPrims[i];
            wScope[w] = uScopes[i];
        }
        // cleared after the loop, so that an overflow inside it leaves the log whole for a retry
        Arrays.fill(uRefs, undoMark, nUndo, null);
        nUndo = undoMark;
        truncateWrites(markWrites[d]);
        int xMark = markXUndo[d];
        for (int i = nXUndo - 1; i >= xMark; i--) {
            xUndo[i].run();
        }
        clearExternalUndo(xMark);
        hooks.dropCommit(markCommitHooks[d]);
        Runnable[] rollback = hooks.takeRollback(markRollbackHooks[d]);
        popScope();
        hooks.run(rollback, failure, (Txn) this);
    }

    // ------------------------------------------------------------------ scopes lost to a stack overflow

    /**
     * Unwinds the scopes whose end was lost to a stack overflow ({@link TxnState}), as if their
     * bodies had thrown: their writes are undone and their rollback hooks run.
     */
    final void repair() {
        int level = lostLevel;
        clearLost();
        unwindFrom(level);
    }

    private void clearLost() {
        lostLevel = Integer.MAX_VALUE;
        alert = alertNeeded() ? 1 : 0;
    }

    /** Unwinds every open nested scope at {@code level} or deeper, as if its body had thrown. */
    private void unwindFrom(int level) {
        while (depth >= level && depth > 1) {
            undoScope(new StmException("scope abandoned: its end was lost to a StackOverflowError"));
        }
    }

    /** Unwinds the flagged lost scope if it is still open, or drops a flag whose scope did end. */
    final void settleLost() {
        if (lostLevel <= depth) {
            repair();
        } else {
            clearLost();
        }
    }

    /**
     * Before ending the scope at {@code level}: unwinds lost scopes and any deeper scope whose
     * end never came. @return whether the scope at {@code level} is still open
     */
    final boolean resync(int level) {
        if (lostLevel != Integer.MAX_VALUE) {
            settleLost();
        }
        if (level >= 1) {
            unwindFrom(level + 1);
        }
        return depth == level;
    }
}
