package io.stm4j.bench;

import io.stm4j.Atomic;
import io.stm4j.Shared;
import io.stm4j.Stm;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of one instrumented {@code @Shared long} read against its natural baseline, a plain
 * {@code volatile long} read, in the same fork: outside any transaction, and inside a read-only
 * {@code @Atomic} method (whose whole transaction is counted). Run with {@code -prof gc} to see
 * the allocation per operation. Needs the agent ({@code benchmarks/run.sh} adds it).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@State(Scope.Thread)
public class FieldReadBench {

    /** The instrumented holder. */
    static final class Holder {
        @Shared long value = 42;

        @Atomic(readOnly = true)
        long readInReadOnlyTxn() {
            return value;
        }
    }

    private volatile long plain = 42;
    private Holder holder;

    @Setup
    public void setUp() {
        if (!Stm.isAgentActive()) {
            throw new IllegalStateException("FieldReadBench needs -javaagent:stm-agent/target/stm-agent-<version>.jar");
        }
        holder = new Holder();
        if (holder.value != 42) {
            throw new IllegalStateException("holder not initialised");
        }
    }

    @Benchmark
    public long volatileRead() {
        return plain;
    }

    @Benchmark
    public long sharedReadOutsideTxn() {
        return holder.value;
    }

    @Benchmark
    public long sharedReadInReadOnlyAtomic() {
        return holder.readInReadOnlyTxn();
    }
}
