package io.stm4j.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stm4j.Changeset;
import io.stm4j.Stm;
import io.stm4j.Store;
import io.stm4j.Value;
import org.junit.jupiter.api.Test;

/** Bad input gets a clear exception naming the problem, and leaves the store unchanged. */
class BadInputTest {
    private final Store s = Store.create();

    @Test
    void nullKeysAreRejectedByName() {
        assertThatThrownBy(() -> s.useVar(null)).isInstanceOf(NullPointerException.class).hasMessage("key");
        assertThatThrownBy(() -> s.using("a", null)).isInstanceOf(NullPointerException.class).hasMessage("keys[1]");
        assertThatThrownBy(() -> s.using((String[]) null)).isInstanceOf(NullPointerException.class).hasMessage("keys");
        assertThatThrownBy(() -> s.export("a", null)).isInstanceOf(NullPointerException.class).hasMessage("keys[1]");
        Value<Object> a = s.useVar("a");
        assertThatThrownBy(() -> s.set(null, a)).isInstanceOf(NullPointerException.class).hasMessage("key");
        assertThatThrownBy(() -> s.set("a", null)).isInstanceOf(NullPointerException.class).hasMessage("value");
        assertThatThrownBy(() -> s.setValues(null)).isInstanceOf(NullPointerException.class).hasMessage("values");
        assertThat(s.names()).containsExactly("a");
    }

    @Test
    void aValueOfAnotherStoreIsRejected() {
        Store other = Store.create();
        Value<Integer> foreign = other.useVar("a");
        foreign.set(1);
        assertThatThrownBy(() -> s.set("a", foreign))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("another store");
        assertThatThrownBy(() -> Stm.atomic(() -> s.set("a", foreign)))
                .isInstanceOf(IllegalArgumentException.class);
        Changeset foreignSet = other.using("a");
        assertThatThrownBy(() -> s.setValues(foreignSet)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("another store");
        assertThat(s.names()).isEmpty();
        assertThat(other.useVar("a").version()).isZero();
    }

    @Test
    void aValueSetUnderAnotherKeyIsRejected() {
        Value<Integer> a = s.useVar("a");
        a.set(1);
        assertThatThrownBy(() -> s.set("b", a)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'a'").hasMessageContaining("'b'");
        assertThat(s.dump()).isEqualTo("a 0 null\n");
    }

    @Test
    void aChangesetCommittedTwiceIsRejected() {
        Changeset c = s.using("a", "b");
        c.<Integer>get("a").set(1);
        c.commit();
        String before = s.dump();
        c.<Integer>get("a").set(2);
        assertThatThrownBy(c::commit).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already committed").hasMessageContaining("[a, b]");
        assertThat(s.dump()).isEqualTo(before);
    }

    @Test
    void aKeyNotInTheChangesetIsRejected() {
        Changeset c = s.using("a");
        assertThatThrownBy(() -> c.get("zzz")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'zzz'").hasMessageContaining("[a]");
    }
}
