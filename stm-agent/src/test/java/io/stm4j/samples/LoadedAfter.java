package io.stm4j.samples;

import io.stm4j.Shared;

/** Loaded only after the agent is installed: rewritten. */
public class LoadedAfter {
    @Shared public long n;

    public long bump() {
        return ++n;
    }
}
