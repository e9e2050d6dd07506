package io.stm4j.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stm4j.Changeset;
import io.stm4j.ConcurrentUpdate;
import io.stm4j.Stm;
import io.stm4j.Store;
import io.stm4j.Value;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The keyed store's API, outside and inside transactions. */
class StoreApiTest {
    private final Store s = Store.create();

    @Test
    void storesAreIndependentAndTheDefaultStoreIsOne() {
        Store other = Store.create();
        Value<String> v = s.useVar("k");
        v.set("x");
        v.commit();
        assertThat(other.names()).isEmpty();
        assertThat(Store.defaultStore()).isSameAs(Store.defaultStore()).isNotSameAs(s);
    }

    @Test
    void useVarCreatesMissingKeysAtVersionZero() {
        assertThat(s.names()).isEmpty();
        Value<Object> v = s.useVar("k");
        assertThat(v.key()).isEqualTo("k");
        assertThat(v.version()).isZero();
        assertThat(v.get()).isNull();
        assertThat(s.names()).containsExactly("k");
        assertThat(v.toString()).contains("k").contains("0").contains("null");
    }

    @Test
    void aValueCanBeCommittedAgainAndClonesAreIndependent() {
        Value<List<Integer>> v = s.useVar("list");
        v.set(List.of(1));
        v.commit();
        v.set(List.of(1, 2));
        assertThat(v.commit()).isSameAs(v);
        assertThat(v.version()).isEqualTo(2);
        Value<List<Integer>> copy = v.clone();
        copy.set(List.of());
        assertThat(v.get()).containsExactly(1, 2);
        assertThat(copy.version()).isEqualTo(2);
        Value<List<Integer>> stale = s.useVar("list");
        v.set(List.of(3));
        v.commit();
        stale.set(List.of(4));
        assertThatThrownBy(stale::commit).isInstanceOf(ConcurrentUpdate.class)
                .hasMessageContaining("'list'").hasMessageContaining("version 2");
        assertThat(s.useVar("list").get()).isEqualTo(List.of(3));
    }

    @Test
    void unchangedValuesOfAChangesetAreCheckedButNotWritten() {
        Changeset c = s.using("read", "written");
        c.<Integer>get("written").set(1);
        c.commit();
        assertThat(s.dump()).isEqualTo("read 0 null\nwritten 1 1\n");
        Changeset stale = s.using("read", "written");
        Value<Integer> r = s.useVar("read");
        r.set(5);
        r.commit();
        stale.<Integer>get("written").set(2);
        assertThatThrownBy(stale::commit).isInstanceOf(ConcurrentUpdate.class).hasMessageContaining("'read'");
        assertThat(s.dump()).isEqualTo("read 1 5\nwritten 1 1\n");
    }

    @Test
    void exportReadsPlainValuesWithoutCreatingKeys() {
        Value<Integer> a = s.useVar("a");
        a.set(1);
        a.commit();
        assertThat(s.export()).containsExactly(java.util.Map.entry("a", 1));
        assertThat(s.export("a", "missing")).containsEntry("a", 1).containsEntry("missing", null);
        assertThat(s.names()).containsExactly("a");
    }

    @Test
    void insideATransactionTheStoreJoinsIt() {
        Value<Integer> a = s.useVar("a");
        a.set(1);
        a.commit();
        Stm.atomic(() -> {
            Value<Integer> in = s.useVar("a");
            assertThat(in.version()).isEqualTo(1);
            in.set(in.get() + 1);
            in.commit(); // staged only
            assertThat(in.version()).isEqualTo(2);
            in.set(in.get() + 1);
            in.commit(); // staged again: the version moves once
            assertThat(in.version()).isEqualTo(2);
            assertThat(s.useVar("a").get()).isEqualTo(3);
            Changeset c = s.using("a", "b");
            c.<Integer>get("b").set(10);
            c.commit();
            assertThat(s.export("a", "b")).containsEntry("a", 3).containsEntry("b", 10);
            assertThat(s.dump()).isEqualTo("a 2 3\nb 1 10\n");
        });
        assertThat(s.dump()).isEqualTo("a 2 3\nb 1 10\n");
    }

    @Test
    void storeWritesInsideARolledBackTransactionAreNeverPublished() {
        assertThatThrownBy(() -> Stm.atomic(() -> {
            Value<Integer> a = s.useVar("a");
            a.set(1);
            a.commit();
            throw new IllegalStateException("no");
        })).hasMessage("no");
        assertThat(s.useVar("a").get()).isNull();
        assertThat(s.useVar("a").version()).isZero();
    }
}
