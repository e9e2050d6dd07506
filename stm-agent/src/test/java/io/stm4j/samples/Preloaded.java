package io.stm4j.samples;

import io.stm4j.Shared;

/** Loaded before the agent is installed: reported, and left plain. */
public class Preloaded {
    @Shared public long n;
}
