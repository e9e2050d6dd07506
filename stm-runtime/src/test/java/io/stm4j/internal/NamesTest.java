package io.stm4j.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.stm4j.Atomic;
import io.stm4j.Shared;
import org.junit.jupiter.api.Test;

/** {@link Names}: each constant the agent copies names what it says. */
class NamesTest {

    private static String internal(Class<?> c) {
        return c.getName().replace('.', '/');
    }

    @Test
    void classNamesAndDescriptorsNameTheRealClasses() {
        assertThat(Names.ENGINE_PACKAGE).isEqualTo(Cell.class.getPackageName().replace('.', '/') + "/");
        assertThat(Names.CELL).isEqualTo(internal(Cell.class));
        assertThat(Names.FIELD_META).isEqualTo(internal(FieldMeta.class));
        assertThat(Names.FIELD_BRIDGE).isEqualTo(internal(FieldBridge.class));
        assertThat(Names.ATOMIC_BRIDGE).isEqualTo(internal(AtomicBridge.class));
        assertThat(Names.TXN_STATE).isEqualTo(internal(TxnState.class));
        assertThat(Names.AGENT_SUPPORT).isEqualTo(AgentSupport.class.getName());
        assertThat(Names.SHARED_DESC).isEqualTo("L" + internal(Shared.class) + ";");
        assertThat(Names.ATOMIC_DESC).isEqualTo("L" + internal(Atomic.class) + ";");
        assertThat(Names.ATOMIC).isEqualTo(Atomic.class.getName());
        assertThat(Names.REWRITTEN_DESC).isEqualTo("L" + internal(Rewritten.class) + ";");
    }

    @Test
    void memberPrefixesAreDistinctAndCannotCollideWithJavaNames() {
        String[] prefixes = {Names.CELL_PREFIX, Names.META_PREFIX, Names.GETTER_PREFIX, Names.SETTER_PREFIX,
                Names.INIT_PREFIX, Names.TXN_GETTER_PREFIX, Names.TXN_SETTER_PREFIX};
        assertThat(prefixes).doesNotHaveDuplicates();
        for (String p : prefixes) {
            assertThat(p).startsWith("stm$").endsWith("$"); // '$' names are the compilers', not users'
        }
    }
}
