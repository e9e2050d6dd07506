package io.stm4j.it.other;

import io.stm4j.it.Account;

/** A subclass in another package: touches the inherited protected field. */
public class SavingsAccount extends Account {
    public SavingsAccount(long initial, int bps) {
        super(initial);
        this.interestBps = bps; // an inherited field: written through the store, not directly
    }

    public int bps() {
        return interestBps;
    }

    public void setBps(int bps) {
        interestBps = bps;
    }

    /** Reads through another instance's reference typed as the subclass (owner = SavingsAccount). */
    public static int bpsOf(SavingsAccount other) {
        return other.interestBps;
    }
}
