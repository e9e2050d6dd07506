package io.stm4j.it;

import io.stm4j.Atomic;
import io.stm4j.Shared;
import java.io.IOException;

/** @Atomic methods of every shape, over two @Shared fields. */
class Ledger {
    @Shared long x;
    @Shared long y;
    /** Not shared: counts attempts, including the ones rolled back. */
    int runs;

    @Atomic
    void both(long v) {
        x = v;
        y = v;
    }

    @Atomic
    void failAfterWriting(RuntimeException e) {
        x = -1;
        throw e;
    }

    @Atomic
    void checked(long v) throws IOException {
        x = v;
        throw new IOException("disk full at " + v);
    }

    @Atomic
    String outerCatchesInner() {
        x = 1;
        try {
            innerFails();
        } catch (IllegalArgumentException e) {
            y = 3;
            return e.getMessage();
        }
        return "inner did not fail";
    }

    @Atomic
    private void innerFails() {
        x = 2;
        y = 2;
        throw new IllegalArgumentException("inner");
    }

    @Atomic(maxRetries = 2)
    void limited(Runnable interfere) {
        runs++;
        long v = x;
        interfere.run();
        y = v;
    }

    @Atomic(timeoutMillis = 50)
    void timed(Runnable interfere) {
        runs++;
        long v = x;
        interfere.run();
        y = v;
    }

    @Atomic(readOnly = true)
    long readOnlySum() {
        return x + y;
    }

    @Atomic(readOnly = true)
    void readOnlyWrite() {
        x = 5;
    }

    @Atomic
    long argumentsRestoredOnRetry(long amount, Runnable interfere) {
        runs++;
        long v = x;
        amount = amount * 10;
        interfere.run();
        y = v + amount;
        return amount;
    }

    @Atomic
    double average() {
        return (x + y) / 2.0;
    }

    @Atomic
    boolean equal() {
        return x == y;
    }

    @Atomic
    static long staticSum(Ledger l) {
        return l.x + l.y;
    }
}
