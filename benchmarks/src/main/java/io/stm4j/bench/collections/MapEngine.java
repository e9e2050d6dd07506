package io.stm4j.bench.collections;

/**
 * One map implementation under {@link CollectionBench}: {@value #KEYS} keys {@code 0..KEYS-1},
 * each holding {@value #INITIAL} at the start. Every method of the in-transaction workloads is one
 * transaction of the engine's; the single operations ({@link #getOne}, {@link #putOne}) are made the
 * way that engine's users make them outside a transaction.
 */
interface MapEngine {
    int KEYS = 1024;
    long INITIAL = 1_000L;

    /** In a transaction: reads {@code key}. */
    long get(int key);

    /** In a transaction: writes {@code value} at {@code key} (present). */
    void put(int key, long value);

    /** In a transaction: moves one unit from {@code from} to {@code to} (two reads, two writes). */
    void move(int from, int to);

    /** A single read, outside any transaction. */
    long getOne(int key);

    /** A single write, outside any transaction. */
    void putOne(int key, long value);

    /** @return the sum of all values, in one transaction (the teardown checks conservation) */
    long total();

    /**
     * @param name an engine name
     * @return a new map engine of that name, filled
     */
    static MapEngine create(String name) {
        switch (name) {
            case "stm4j-agent":
                return new Stm4jMaps.Annotated();
            case "stm4j":
                return new Stm4jMaps.Lambdas();
            case "scalastm":
                return new ScalaStmMap();
            case "multiverse":
                return new MultiverseMap();
            case "chm":
                return new ChmMap();
            default:
                throw new IllegalArgumentException("unknown map engine '" + name
                        + "'; known: stm4j-agent, stm4j, scalastm, multiverse, chm");
        }
    }
}
