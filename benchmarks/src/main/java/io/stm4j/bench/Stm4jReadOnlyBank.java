package io.stm4j.bench;

import io.stm4j.internal.Transactions;
import java.util.function.Supplier;

/**
 * stm4j with the read-only hint: the read-only operations go through
 * {@link Transactions#atomic(Supplier, int, long, boolean)} with {@code readOnly = true} (the path
 * an {@code @Atomic(readOnly = true)} method takes); writes are as in {@link Stm4jBank}.
 */
final class Stm4jReadOnlyBank extends Stm4jBank {

    @Override
    public long readCounter() {
        return Transactions.atomic((Supplier<Long>) () -> get(COUNTER), -1, -1L, true);
    }

    @Override
    public long sum(int[] accounts) {
        return Transactions.atomic((Supplier<Long>) () -> sumOf(accounts), -1, -1L, true);
    }
}
