package io.stm4j.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stm4j.Changeset;
import io.stm4j.Stm;
import io.stm4j.Store;
import io.stm4j.Value;
import org.junit.jupiter.api.Test;

/**
 * Bad input gets a clear exception naming the problem, and leaves the store unchanged. The README's
 * "Bad input" table lists every case and where it is tested.
 */
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

    @Test
    void nullKeysInsideATransactionAreRejectedByNameAndRollItBack() {
        Value<Object> a = s.useVar("a");
        assertThatThrownBy(() -> Stm.atomic(() -> {
            Value<Object> staged = s.useVar("a");
            staged.set(5);
            staged.commit(); // staged, then undone by the exception
            s.useVar(null);
        })).isInstanceOf(NullPointerException.class).hasMessage("key");
        assertThatThrownBy(() -> Stm.atomic(() -> s.using("a", null))).isInstanceOf(NullPointerException.class)
                .hasMessage("keys[1]");
        assertThatThrownBy(() -> Stm.atomic(() -> s.set(null, a))).isInstanceOf(NullPointerException.class)
                .hasMessage("key");
        assertThatThrownBy(() -> Stm.atomic(() -> s.set("a", null))).isInstanceOf(NullPointerException.class)
                .hasMessage("value");
        assertThatThrownBy(() -> Stm.atomic(() -> s.setValues(null))).isInstanceOf(NullPointerException.class)
                .hasMessage("values");
        assertThat(Stm.inTransaction()).isFalse();
        assertThat(s.dump()).isEqualTo("a 0 null\n");
    }

    @Test
    void nullBodiesAndHooksAreRejectedByName() {
        assertThatThrownBy(() -> Stm.atomic((Runnable) null)).isInstanceOf(NullPointerException.class)
                .hasMessage("body");
        assertThatThrownBy(() -> Stm.atomic((java.util.function.Supplier<Object>) null))
                .isInstanceOf(NullPointerException.class).hasMessage("body");
        assertThatThrownBy(() -> Stm.afterCommit(null)).isInstanceOf(NullPointerException.class).hasMessage("hook");
        assertThatThrownBy(() -> Stm.afterRollback(null)).isInstanceOf(NullPointerException.class).hasMessage("hook");
        assertThatThrownBy(() -> Stm.atomic(() -> Stm.afterCommit(null))).isInstanceOf(NullPointerException.class)
                .hasMessage("hook");
        assertThatThrownBy(() -> Stm.atomic(() -> Stm.afterRollback(null))).isInstanceOf(NullPointerException.class)
                .hasMessage("hook");
        assertThat(Stm.inTransaction()).isFalse();
    }

    @Test
    void nullValuesAreAllowed() {
        // The contract creates missing keys with value null, so null is an ordinary value.
        Value<String> a = s.useVar("a");
        a.set("x");
        a.commit();
        a.set(null);
        a.commit();
        assertThat(a.version()).isEqualTo(2);
        Stm.atomic(() -> {
            Value<String> b = s.useVar("b");
            b.set(null);
            b.commit();
        });
        assertThat(s.export("a", "b")).containsEntry("a", null).containsEntry("b", null);
        assertThat(s.dump()).isEqualTo("a 2 null\nb 1 null\n");
    }

    @Test
    void valuesAndChangesetsOfAnotherStoreAreRejectedInsideATransaction() {
        Store other = Store.create();
        Changeset foreignSet = other.using("a");
        foreignSet.<Integer>get("a").set(1);
        assertThatThrownBy(() -> Stm.atomic(() -> s.setValues(foreignSet)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("changeset [a]").hasMessageContaining("another store");
        Value<Integer> foreign = other.useVar("b");
        foreign.set(2);
        assertThatThrownBy(() -> Stm.atomic(() -> s.set("b", foreign)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("key=b").hasMessageContaining("another store");
        assertThat(s.names()).isEmpty();
        assertThat(other.export()).containsEntry("a", null).containsEntry("b", null);
    }

    @Test
    void aChangesetCommittedTwiceInsideATransactionIsRejected() {
        assertThatThrownBy(() -> Stm.atomic(() -> {
            Changeset c = s.using("a");
            c.<Integer>get("a").set(1);
            c.commit();
            c.commit();
        })).isInstanceOf(IllegalStateException.class).hasMessageContaining("[a]").hasMessageContaining("already committed");
        assertThat(s.dump()).isEqualTo("a 0 null\n"); // the whole transaction rolled back

        Changeset committed = s.using("a");
        committed.<Integer>get("a").set(1);
        committed.commit();
        assertThatThrownBy(() -> Stm.atomic(committed::commit)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already committed");
        assertThat(s.dump()).isEqualTo("a 1 1\n");
    }

    @Test
    void everyKindOfCommitIsRejectedInAReadOnlyTransaction() {
        Value<Integer> held = s.useVar("a");
        held.set(1);
        assertThatThrownBy(() -> readOnly(held::commit)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'a'").hasMessageContaining("read-only");
        assertThatThrownBy(() -> readOnly(() -> s.set("a", held))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'a'").hasMessageContaining("read-only");
        assertThatThrownBy(() -> readOnly(() -> {
            Changeset c = s.using("a", "b");
            c.<Integer>get("b").set(2);
            c.commit();
        })).isInstanceOf(IllegalStateException.class).hasMessageContaining("[a, b]").hasMessageContaining("read-only");
        // an inner read-write block joins the read-only transaction, and cannot write either
        assertThatThrownBy(() -> readOnly(() -> Stm.atomic(() -> {
            Value<Integer> c = s.useVar("c");
            c.set(3);
            c.commit();
        }))).isInstanceOf(IllegalStateException.class).hasMessageContaining("'c'").hasMessageContaining("read-only");
        // committing a changeset that changes nothing only checks it, and is allowed
        readOnly(() -> s.using("a", "b").commit());
        assertThat(s.export("a", "b", "c")).containsEntry("a", null).containsEntry("b", null).containsEntry("c", null);
        assertThat(s.useVar("a").version()).isZero();
    }

    private static void readOnly(Runnable body) {
        Transactions.atomic(body, -1, -1L, true);
    }

    @Test
    void retryOutsideATransactionIsRejectedByName() {
        assertThatThrownBy(Stm::retry).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Stm.retry()").hasMessageContaining("outside a transaction");
    }

    @Test
    void nullKeysAreRejectedInExportAndChangesets() {
        assertThatThrownBy(() -> s.export((String[]) null)).isInstanceOf(NullPointerException.class).hasMessage("keys");
        assertThatThrownBy(() -> s.using("a").get(null)).isInstanceOf(NullPointerException.class).hasMessage("key");
    }
}
