package io.stm4j.plain;

import io.stm4j.Atomic;
import io.stm4j.Shared;
import io.stm4j.Stm;
import io.stm4j.collections.TxMap;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Annotated code that believes it is transactional, in a module where nothing rewrites it. */
public final class PlainBank {
    /** The balance (a plain field here). */
    @Shared public long balance = 10;
    /** What the after-commit hooks recorded. */
    public final List<String> audit = new CopyOnWriteArrayList<>();

    /** @param amount what to take out, recorded after the commit */
    @Atomic
    public void withdraw(long amount) {
        balance -= amount;
        Stm.afterCommit(() -> audit.add("withdrew " + amount));
    }

    /** @return the balance, once it is not zero */
    public long waitForMoney() {
        if (balance == 0) {
            Stm.retry();
        }
        return balance;
    }

    /** @return a new map, created from an @Atomic method */
    @Atomic
    public TxMap<String, Long> ledger() {
        return TxMap.create();
    }
}
