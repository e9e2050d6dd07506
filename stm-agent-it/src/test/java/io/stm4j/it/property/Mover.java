package io.stm4j.it.property;

import io.stm4j.Atomic;
import io.stm4j.Stm;

/**
 * Composition written with annotations: an {@code @Atomic} method that calls two banks' own
 * operations (nested {@code @Atomic} methods) and a {@code Stm.atomic} block inside it.
 */
final class Mover {
    private Mover() {
    }

    /**
     * Withdraws {@code amount} from account {@code i} of {@code from} or, if that overdraws, from
     * {@code fallback}, and deposits it into account {@code j} of {@code to}, all in one transaction.
     *
     * @param innerNotUndone called if the caught withdrawal's write is still visible after it failed
     * @return whether the fallback paid
     * @throws Insufficient if the fallback overdraws too (nothing happens then)
     */
    @Atomic
    static boolean move(Bank from, int i, int fallback, Bank to, int j, long amount, Runnable innerNotUndone) {
        long before = from.balance(i);
        boolean fellBack = false;
        try {
            from.withdraw(i, amount);
        } catch (Insufficient e) {
            if (from.balance(i) != before) {
                innerNotUndone.run();
            }
            fellBack = true;
            Stm.atomic(() -> from.withdraw(fallback, amount)); // Stm.atomic inside @Atomic
        }
        to.deposit(j, amount);
        return fellBack;
    }

    /** The same steps, written with nested {@code Stm.atomic} blocks around the store API. */
    static boolean moveWithBlocks(Bank from, int i, int fallback, Bank to, int j, long amount, Runnable innerNotUndone) {
        return Stm.atomic(() -> {
            long before = from.balance(i);
            boolean fellBack = false;
            try {
                from.withdraw(i, amount);
            } catch (Insufficient e) {
                if (from.balance(i) != before) {
                    innerNotUndone.run();
                }
                fellBack = true;
                from.withdraw(fallback, amount);
            }
            to.deposit(j, amount);
            return fellBack;
        });
    }

    /** Both banks' totals in one read-only {@code @Atomic} method, each read by the bank's own read-only audit. */
    @Atomic(readOnly = true)
    static long sumOfBoth(Bank a, Bank b) {
        return a.audit(true, (s, m, t) -> { }) + b.audit(true, (s, m, t) -> { });
    }

    /** Both banks' totals in one {@code Stm.atomic} block: a read-only audit and a read-write one nested in it. */
    static long sumOfBothWithBlocks(Bank a, Bank b) {
        return Stm.atomic(() -> a.audit(true, (s, m, t) -> { }) + b.audit(false, (s, m, t) -> { }));
    }
}
