package io.stm4j.it.property;

import io.stm4j.Changeset;
import io.stm4j.Stm;
import io.stm4j.Store;
import io.stm4j.Value;
import io.stm4j.testkit.EngineAudit;

/** {@link Roster} on store keys: the transaction reads all doctors with one {@code using} changeset. */
final class StoreRoster implements Roster {
    private final Store store = Store.create();
    private final String[] doctors;

    StoreRoster(int n) {
        doctors = new String[n];
        for (int i = 0; i < n; i++) {
            doctors[i] = "doctor-" + i;
        }
        Changeset all = store.using(doctors);
        for (String d : doctors) {
            all.<Boolean>get(d).set(true);
        }
        all.commit();
    }

    @Override
    public boolean leave(int doctor) {
        return Stm.atomic(() -> {
            Changeset all = store.using(doctors);
            int on = 0;
            for (String d : doctors) {
                if (all.<Boolean>get(d).get()) {
                    on++;
                }
            }
            Value<Boolean> me = all.get(doctors[doctor]);
            if (on >= 2 && me.get()) {
                me.set(false);
                all.commit();
                return true;
            }
            return false;
        });
    }

    @Override
    public int onCall() {
        int on = 0;
        for (Object v : store.export(doctors).values()) {
            if ((Boolean) v) {
                on++;
            }
        }
        return on;
    }

    @Override
    public int assertNoCellLocked() {
        return EngineAudit.assertUnlocked(store);
    }
}
