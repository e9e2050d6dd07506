package io.stm4j.guice;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Guice;
import com.google.inject.Inject;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.name.Named;
import com.google.inject.name.Names;
import io.stm4j.Stm;
import io.stm4j.Store;
import io.stm4j.Value;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/** Which store each injection point gets. Runs under -javaagent. */
class StoreBindingIT {

    static final class Uses {
        final Store plain;
        final Store orders;
        final Store payments;

        @Inject
        Uses(Store plain, @Named("orders") Store orders, @Named("payments") Store payments) {
            this.plain = plain;
            this.orders = orders;
            this.payments = payments;
        }
    }

    private static final Key<Store> ORDERS = Key.get(Store.class, Names.named("orders"));
    private static final Key<Store> PAYMENTS = Key.get(Store.class, Names.named("payments"));

    @Test
    void theAgentIsActiveHere() {
        assertThat(Stm.isAgentActive()).isTrue();
        assertThat(ManagementFactory.getRuntimeMXBean().getInputArguments()).anyMatch(a -> a.startsWith("-javaagent:"));
    }

    @Test
    void storeIsTheDefaultStoreAsASingleton() {
        Injector a = Guice.createInjector(new StmModule());
        Injector b = Guice.createInjector(new StmModule());
        assertThat(a.getInstance(Store.class))
                .isSameAs(a.getInstance(Store.class))
                .isSameAs(b.getInstance(Store.class))
                .isSameAs(Store.defaultStore());
    }

    @Test
    void namedStoresAreDistinctSingletonsPerInjector() {
        StmModule module = StmModule.builder().store("orders").store("payments").build();
        Injector injector = Guice.createInjector(module);
        Uses first = injector.getInstance(Uses.class);
        Uses second = injector.getInstance(Uses.class);

        assertThat(first).isNotSameAs(second);
        assertThat(first.plain).isSameAs(second.plain).isSameAs(Store.defaultStore());
        assertThat(first.orders).isSameAs(second.orders).isSameAs(injector.getInstance(ORDERS));
        assertThat(first.payments).isSameAs(second.payments).isSameAs(injector.getInstance(PAYMENTS));
        assertThat(first.orders).isNotSameAs(first.payments).isNotSameAs(first.plain);
        assertThat(first.payments).isNotSameAs(first.plain);

        // distinct means independent: a key committed in one is not seen by the others
        Value<String> v = first.orders.useVar("order-1");
        v.set("3 tickets");
        v.commit();
        assertThat(first.orders.export("order-1")).containsEntry("order-1", "3 tickets");
        assertThat(first.payments.names()).doesNotContain("order-1");
        assertThat(first.plain.names()).doesNotContain("order-1");

        // another injector gets stores of its own
        Injector other = Guice.createInjector(module);
        assertThat(other.getInstance(ORDERS)).isNotSameAs(first.orders);
        assertThat(other.getInstance(Store.class)).isSameAs(first.plain);
    }

    @Test
    void installingTheSameModuleTwiceIsHarmless() {
        Injector injector = Guice.createInjector(StmModule.builder().store("orders").build(),
                StmModule.builder().store("orders").build());
        assertThat(injector.getInstance(ORDERS)).isSameAs(injector.getInstance(ORDERS));
    }
}
