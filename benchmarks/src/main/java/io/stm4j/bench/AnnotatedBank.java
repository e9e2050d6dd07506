package io.stm4j.bench;

import io.stm4j.Atomic;
import io.stm4j.Shared;
import io.stm4j.Stm;

/**
 * stm4j as users write it — the headline engine: plain classes with {@code @Shared long} fields
 * and {@code @Atomic} methods, made transactional by the agent the JMH fork is started with
 * ({@code -javaagent:}, added by {@code benchmarks/run.sh}).
 */
final class AnnotatedBank implements Bank {

    /** One account. */
    static final class Account {
        @Shared long balance;

        Account(long balance) {
            this.balance = balance;
        }
    }

    /** A counter cell. */
    static final class Counter {
        @Shared long value;
    }

    private final Account[] accounts = new Account[ACCOUNTS];
    private final Counter counter = new Counter();
    private final Counter[] hot = new Counter[HOT];

    AnnotatedBank() {
        requireAgent("stm4j-agent");
        for (int i = 0; i < ACCOUNTS; i++) {
            accounts[i] = new Account(INITIAL);
        }
        for (int i = 0; i < HOT; i++) {
            hot[i] = new Counter();
        }
    }

    @Override
    @Atomic(readOnly = true)
    public long readCounter() {
        return counter.value;
    }

    @Override
    @Atomic
    public void incCounter() {
        counter.value = counter.value + 1;
    }

    @Override
    @Atomic
    public void transfer(int from, int to) {
        accounts[from].balance -= 1;
        accounts[to].balance += 1;
    }

    @Override
    @Atomic(readOnly = true)
    public long sum(int[] which) {
        long s = 0;
        for (int i : which) {
            s += accounts[i].balance;
        }
        return s;
    }

    @Override
    @Atomic
    public void incHot() {
        for (Counter c : hot) {
            c.value = c.value + 1;
        }
    }

    @Override
    @Atomic(readOnly = true)
    public long total() {
        long s = 0;
        for (Account a : accounts) {
            s += a.balance;
        }
        return s;
    }

    @Override
    @Atomic(readOnly = true)
    public long[] hotCells() {
        long[] out = new long[HOT];
        for (int i = 0; i < HOT; i++) {
            out[i] = hot[i].value;
        }
        return out;
    }

    /** Fails the benchmark set-up when the agent that {@code engine} needs is not attached. */
    static void requireAgent(String engine) {
        if (!Stm.isAgentActive()) {
            throw new IllegalStateException("engine '" + engine + "' needs the stm4j agent: start the JVM with"
                    + " -javaagent:stm-agent/target/stm-agent-<version>.jar (benchmarks/run.sh does)");
        }
    }
}
