package io.stm4j.bench;

import io.stm4j.Atomic;

/**
 * stm4j with the read-only hint: the read-only operations are {@code @Atomic(readOnly = true)}
 * methods over the store (so this engine, like {@code stm4j-agent}, needs the agent that
 * {@code benchmarks/run.sh} attaches); writes are as in {@link Stm4jBank}.
 */
final class Stm4jReadOnlyBank extends Stm4jBank {

    Stm4jReadOnlyBank() {
        AnnotatedBank.requireAgent("stm4j-ro");
    }

    @Override
    @Atomic(readOnly = true)
    public long readCounter() {
        return get(COUNTER);
    }

    @Override
    @Atomic(readOnly = true)
    public long sum(int[] accounts) {
        return sumOf(accounts);
    }
}
