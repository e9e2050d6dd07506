package io.stm4j.it.collections;

import io.stm4j.Shared;

/**
 * {@code @Shared} counters kept beside the collections and written in the same transactions, so
 * that a property also shows the collections and agent-rewritten fields committing (or rolling
 * back) together.
 */
final class Tally {
    @Shared long commits;
    @Shared long items;
}
