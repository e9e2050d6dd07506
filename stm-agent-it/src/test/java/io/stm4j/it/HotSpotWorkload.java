package io.stm4j.it;

import io.stm4j.Atomic;
import io.stm4j.Shared;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/** One contended field and one field per worker: only the first can conflict. */
class HotSpotWorkload {
    static final class Counters {
        @Shared long contended;
    }

    static final class Own {
        @Shared long mine;
    }

    final Counters shared = new Counters();

    @Atomic
    void step(Own own) {
        own.mine = own.mine + 1;
        shared.contended = shared.contended + 1;
    }

    @Atomic
    void bump() {
        shared.contended = shared.contended + 1;
    }

    /**
     * A step whose first {@code interfere} attempts have {@code other} commit to the contended
     * field after this attempt read it, so each of them aborts on that field. {@code attempts[0]}
     * counts the attempts, rolled-back ones included (an array: not transactional).
     */
    @Atomic
    void stepWithInterference(Own own, ExecutorService other, int interfere, int[] attempts) throws Exception {
        own.mine = own.mine + 1;
        long seen = shared.contended;
        if (++attempts[0] <= interfere) {
            other.submit(this::bump).get(30, TimeUnit.SECONDS);
        }
        shared.contended = seen + 1;
    }
}
