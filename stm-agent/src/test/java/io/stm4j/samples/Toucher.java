package io.stm4j.samples;

/** Touches another class's @Shared field. */
public class Toucher {
    public static long peek(Sample s) {
        long seen = s.count;
        return seen;
    }
}
