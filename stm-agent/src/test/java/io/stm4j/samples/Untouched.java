package io.stm4j.samples;

/** Neither declares nor touches anything of stm4j's. */
public class Untouched {
    long plain;

    long twice() {
        return plain * 2;
    }
}
