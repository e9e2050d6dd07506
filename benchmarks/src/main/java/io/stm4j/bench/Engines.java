package io.stm4j.bench;

import java.util.List;

/** The engines by the names the benchmarks' {@code engine} parameter uses. */
public final class Engines {
    /** The STM peers stm4j is compared with; "best STM peer" is the fastest of these. */
    public static final List<String> STM_PEERS = List.of("scalastm", "multiverse", "clojure");
    /** Every engine, in the order the report lists them. */
    public static final List<String> ALL = List.of("stm4j-agent", "stm4j", "stm4j-ro", "scalastm", "multiverse", "clojure",
            "sync", "rlock", "stamped", "atomic");

    private Engines() {
    }

    /**
     * @param name an engine name
     * @return a new engine of that name, holding the initial state
     */
    public static Bank create(String name) {
        switch (name) {
            case "stm4j-agent":
                return new AnnotatedBank();
            case "stm4j":
                return new Stm4jBank();
            case "stm4j-ro":
                return new Stm4jReadOnlyBank();
            case "scalastm":
                return new ScalaStmBank();
            case "multiverse":
                return new MultiverseBank();
            case "clojure":
                return new ClojureBank();
            case "sync":
                return new SyncBank();
            case "rlock":
                return new LockPerAccountBank();
            case "stamped":
                return new StampedBank();
            case "atomic":
                return new AtomicCounterBank();
            case "racy":
                return new RacyBank();
            default:
                throw new IllegalArgumentException("unknown engine '" + name + "'; known: " + ALL + " (and racy)");
        }
    }
}
