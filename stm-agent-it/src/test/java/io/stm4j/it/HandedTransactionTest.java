package io.stm4j.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.stm4j.Atomic;
import io.stm4j.Shared;
import io.stm4j.Stm;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * An {@code @Atomic} method's field accesses are handed the transaction its advice entered (the
 * agent finds the local that holds it by the advice's code). Methods of the shapes that move that
 * local: static ones, wide parameters before and after it, many locals, a body run from an
 * {@code afterCommit} hook (where the thread's current transaction is another object), a
 * recursive one, and accesses from a lambda of the body (which look it up).
 */
class HandedTransactionTest {

    static class Pot {
        @Shared static long total;
        @Shared long amount;
        @Shared double share;
        @Shared String last;
        /** Not shared: what the hooks saw. */
        final List<String> seen = new ArrayList<>();

        @Atomic
        static void moveStatic(long wide, Pot into, double weight, int narrow) {
            long before = total;
            total = before - wide;
            into.amount += wide + narrow;
            into.share = into.share + weight;
        }

        @Atomic
        double manyLocals(double a, long b, Pot other) {
            double c = a * 2;
            long d = b + 1;
            String e = "x" + d;
            amount = amount + d;
            other.amount = other.amount - d;
            last = e;
            share = share + c;
            return share;
        }

        @Atomic
        long recurse(int n) {
            amount = amount + 1;
            return n == 0 ? amount : recurse(n - 1);
        }

        @Atomic
        void thenInHook(Pot other) {
            amount = amount + 10;
            Stm.afterCommit(() -> {
                other.fromHook(amount); // an @Atomic body of its own, run with the hook's transaction
                seen.add("hook saw " + amount + " and " + other.amount);
            });
        }

        @Atomic
        void fromHook(long v) {
            amount = amount + v;
            last = "hook";
        }

        @Atomic
        long viaLambda() {
            Runnable r = () -> amount = amount + 100;
            r.run();
            amount = amount + 1;
            return amount;
        }
    }

    @Test
    void staticMethodsWithWideAndNarrowParametersSeeAndWriteTheirFields() {
        Pot.total = 1_000;
        Pot p = new Pot();
        Pot.moveStatic(30, p, 0.5, 2);
        Pot.moveStatic(5, p, 0.25, 0);
        assertThat(Pot.total).isEqualTo(965);
        assertThat(p.amount).isEqualTo(37);
        assertThat(p.share).isEqualTo(0.75);
    }

    @Test
    void aMethodWithManyLocalsWritesTwoObjectsTogether() {
        Pot a = new Pot();
        Pot b = new Pot();
        assertThat(a.manyLocals(1.5, 9, b)).isEqualTo(3.0);
        assertThat(a.amount).isEqualTo(10);
        assertThat(b.amount).isEqualTo(-10);
        assertThat(a.last).isEqualTo("x10");
    }

    @Test
    void aRecursiveMethodJoinsItsOwnTransaction() {
        Pot p = new Pot();
        assertThat(p.recurse(20)).isEqualTo(21);
        assertThat(p.amount).isEqualTo(21);
    }

    @Test
    void anAtomicMethodRunFromAHookUsesTheHooksTransaction() {
        Pot p = new Pot();
        Pot other = new Pot();
        p.thenInHook(other);
        assertThat(other.amount).isEqualTo(10);
        assertThat(other.last).isEqualTo("hook");
        assertThat(p.seen).containsExactly("hook saw 10 and 10");
        assertThat(Stm.inTransaction()).isFalse();
    }

    @Test
    void aLambdaOfTheBodyJoinsTheSameTransaction() {
        Pot p = new Pot();
        assertThat(p.viaLambda()).isEqualTo(101);
        assertThat(p.amount).isEqualTo(101);
    }

    @Test
    void twoThreadsMovingThroughStaticAndInstanceFieldsLoseNothing() throws InterruptedException {
        Pot.total = 0;
        Pot a = new Pot();
        Pot b = new Pot();
        Thread[] threads = new Thread[2];
        for (int t = 0; t < threads.length; t++) {
            Pot mine = t == 0 ? a : b;
            Pot theirs = t == 0 ? b : a;
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 20_000; i++) {
                    Pot.moveStatic(1, mine, 0.0, 0);
                    mine.manyLocals(0.0, 0, theirs);
                }
            });
            threads[t].start();
        }
        for (Thread th : threads) {
            th.join(TimeUnit.SECONDS.toMillis(60));
            assertThat(th.isAlive()).as(th.getName() + " still running").isFalse();
        }
        // each round: total -1, mine +1, then mine +1 and theirs -1
        assertThat(Pot.total).isEqualTo(-40_000);
        assertThat(a.amount + b.amount + Pot.total).isZero();
        assertThat(a.amount).isEqualTo(20_000 + 20_000 - 20_000);
    }
}
