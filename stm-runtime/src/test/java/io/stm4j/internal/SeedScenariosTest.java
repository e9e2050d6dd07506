package io.stm4j.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stm4j.Changeset;
import io.stm4j.ConcurrentUpdate;
import io.stm4j.Store;
import io.stm4j.Value;
import org.junit.jupiter.api.Test;

/** The scenarios of Axon.STM's own documentation, on a fresh store. */
class SeedScenariosTest {

    @Test
    void greeting() {
        Store s = Store.create();
        Value<String> greeting = s.useVar("hello");
        assertThat(greeting.get()).isNull();
        assertThat(greeting.version()).isZero();
        greeting.set("Hello World");
        greeting.commit();
        assertThat(greeting.version()).isEqualTo(1);
        assertThat(s.dump()).isEqualTo("hello 1 Hello World\n");
        Value<String> again = s.useVar("hello");
        assertThat(again.get()).isEqualTo("Hello World");
        assertThat(again.version()).isEqualTo(1);
    }

    @Test
    void threeAccounts() {
        Store s = Store.create();
        Changeset d = s.using("account_one", "account_two", "myaccount");
        d.<Integer>get("account_one").set(50);
        d.<Integer>get("account_two").set(100);
        d.<Integer>get("myaccount").set(0);
        d.commit();
        assertThat(s.dump()).isEqualTo("account_one 1 50\naccount_two 1 100\nmyaccount 1 0\n");

        Changeset e = s.using("account_one", "account_two", "myaccount");
        Value<Integer> one = e.get("account_one");
        Value<Integer> two = e.get("account_two");
        e.<Integer>get("myaccount").set(one.get() + two.get());
        one.set(0);
        two.set(0);
        e.commit();
        assertThat(s.dump()).isEqualTo("account_one 2 0\naccount_two 2 0\nmyaccount 2 150\n");
    }

    @Test
    void whatCanPossiblyGoWrong() {
        Store s = Store.create();
        Changeset d = s.using("account_one", "account_two", "myaccount");
        d.<Integer>get("myaccount").set(0);
        d.<Integer>get("account_one").set(50);
        d.<Integer>get("account_two").set(100);
        d.commit(); // 1
        String afterFirst = s.dump();
        assertThat(afterFirst).isEqualTo("account_one 1 50\naccount_two 1 100\nmyaccount 1 0\n");

        d = s.using("account_one", "account_two", "myaccount");
        d.<Integer>get("myaccount").set(d.<Integer>get("account_one").get() + d.<Integer>get("account_two").get());

        Changeset e = s.using("account_one", "myaccount");
        e.<Integer>get("myaccount").set(e.<Integer>get("myaccount").get() - 100);
        e.<Integer>get("account_one").set(100);
        e.commit(); // 2
        String afterSecond = s.dump();
        assertThat(afterSecond).isEqualTo("account_one 2 100\naccount_two 1 100\nmyaccount 2 -100\n");

        d.<Integer>get("account_one").set(0);
        d.<Integer>get("account_two").set(0);
        Changeset third = d;
        assertThatThrownBy(third::commit) // 3
                .isInstanceOf(ConcurrentUpdate.class)
                .hasMessageContaining("account_one");
        assertThat(s.dump()).isEqualTo(afterSecond);
    }
}
