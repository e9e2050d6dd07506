package io.stm4j.junit;

import io.stm4j.Shared;

/** Loaded by {@link SessionMain} before the session opens, as another listener or engine might. */
final class Preloaded {
    @Shared long n;
}
