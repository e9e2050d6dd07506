package io.stm4j.it.property;

import io.stm4j.Atomic;
import io.stm4j.Shared;
import io.stm4j.testkit.EngineAudit;

/** {@link Roster} on annotated classes: a {@code @Shared} flag per doctor, an {@code @Atomic} method. */
final class SharedRoster implements Roster {
    static final class Doctor {
        @Shared boolean onCall = true;
    }

    private final Doctor[] doctors;

    SharedRoster(int n) {
        doctors = new Doctor[n];
        for (int i = 0; i < n; i++) {
            doctors[i] = new Doctor();
        }
    }

    @Override
    @Atomic
    public boolean leave(int doctor) {
        int on = 0;
        for (Doctor d : doctors) {
            if (d.onCall) {
                on++;
            }
        }
        Doctor me = doctors[doctor];
        if (on >= 2 && me.onCall) {
            me.onCall = false;
            return true;
        }
        return false;
    }

    @Override
    public int onCall() {
        int on = 0;
        for (Doctor d : doctors) {
            if (d.onCall) {
                on++;
            }
        }
        return on;
    }

    @Override
    public int assertNoCellLocked() {
        return EngineAudit.assertUnlocked((Object[]) doctors);
    }
}
