package io.stm4j.testkit;

import io.stm4j.internal.EngineProbe;
import java.util.function.Consumer;

/** Puts the engine into states that tests need and cannot reach through the API alone. */
public final class EngineControls {
    private EngineControls() {
    }

    /**
     * Makes a transaction of another thread take the priority gate and keep it until
     * {@code close()}, so that no transaction of the test can take priority: one can then be made
     * to lose again and again (as when another transaction holds the gate for long), for tests of
     * what a transaction that keeps losing reports. The holder reads and writes nothing, so no
     * commit waits for it.
     *
     * @return what gives the gate back
     * @throws InterruptedException if interrupted while the gate is being taken
     */
    public static AutoCloseable holdPriorityElsewhere() throws InterruptedException {
        return EngineProbe.holdPriority();
    }

    /**
     * Sends the engine's warnings (such as the long-retry warning) to {@code sink} instead of the logger
     * until {@code close()}.
     *
     * @param sink receives each warning's message
     * @return what restores the engine's own destination
     */
    public static AutoCloseable captureWarnings(Consumer<String> sink) {
        return EngineProbe.captureWarnings(sink);
    }
}
