package io.stm4j.guice;

import io.stm4j.Shared;

/** A balance held in a {@code @Shared} field. */
class Account {
    @Shared
    long balance;

    Account(long initial) {
        balance = initial;
    }
}
