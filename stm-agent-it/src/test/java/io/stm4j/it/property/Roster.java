package io.stm4j.it.property;

import io.stm4j.it.support.Api;

/** Doctors on call, written with each API: the write-skew scenario. */
interface Roster {
    static Roster create(Api api, int doctors) {
        return api == Api.STORE ? new StoreRoster(doctors) : new SharedRoster(doctors);
    }

    /**
     * In one transaction: if at least two doctors are on call, takes {@code doctor} off call. The
     * transaction reads every doctor and writes only its own — two of them on one snapshot would
     * both see two on call and leave none (write skew) unless the engine validates reads.
     *
     * @return whether {@code doctor} went off call
     */
    boolean leave(int doctor);

    /** @return how many doctors are on call, latest committed */
    int onCall();

    /** Asserts that no cell of this roster is locked. @return how many cells were checked */
    int assertNoCellLocked();
}
