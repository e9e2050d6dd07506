package io.stm4j.it.lincheck;

/** How much longer to run: the system property {@code stm4j.stress.scale}, 1 by default, 20 under -Pstress. */
final class Scale {
    private Scale() {
    }

    static int get() {
        return Math.max(1, Integer.getInteger("stm4j.stress.scale", 1));
    }
}
