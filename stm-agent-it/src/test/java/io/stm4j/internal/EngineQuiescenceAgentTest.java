package io.stm4j.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.stm4j.it.plainjava.Stock;
import io.stm4j.testkit.EngineAudit;
import io.stm4j.testkit.EngineQuiescence;
import java.lang.reflect.Field;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The part of {@link EngineAudit} and {@link EngineQuiescence} that needs the agent: the cell of a
 * {@code @Shared} field, in the field the agent adds to the rewritten class. A cell locked through
 * the engine's package-private lock word is named by the audit, and fails a test whose
 * {@link EngineQuiescence} watches the object; unlocked, both pass. (stm-testkit's own tests check
 * the store cells and the engine's locks, without the agent.)
 */
@ExtendWith(EngineQuiescence.class)
class EngineQuiescenceAgentTest {
    @Test
    void aLockedSharedFieldCellIsNamedAndFailsAWatchingTest() throws Exception {
        Stock s = new Stock("Q", 10, 1.0);
        s.add(5); // creates the field's cell
        assertThat(EngineAudit.assertUnlocked(s)).as("cells audited").isPositive();
        ExtensionContext context = mock(ExtensionContext.class);
        when(context.getDisplayName()).thenReturn("sample()");
        when(context.getUniqueId()).thenReturn("[sample]");

        Field holder = Stock.class.getDeclaredField(Names.CELL_PREFIX + "quantity");
        holder.setAccessible(true);
        Cell cell = (Cell) holder.get(s);
        assertThat(cell).as("the agent's cell of Stock.quantity").isNotNull();
        cell.owner = Txn.current();
        try {
            String expected = Stock.class.getName() + ".quantity of Stock@" + Integer.toHexString(System.identityHashCode(s));
            assertThatThrownBy(() -> EngineAudit.assertUnlocked(s)).isInstanceOf(AssertionError.class)
                    .hasMessage("@Shared field cells left locked: [" + expected + "]");
            EngineQuiescence watching = new EngineQuiescence();
            watching.watch(s);
            assertThatThrownBy(() -> watching.afterEach(context)).isInstanceOf(AssertionError.class)
                    .hasMessageStartingWith("the engine is not quiescent after sample() ([sample]): ")
                    .hasMessageContaining(expected);
            EngineQuiescence notWatching = new EngineQuiescence();
            notWatching.afterEach(context); // the default store and the engine's own locks are free
        } finally {
            cell.owner = null;
        }
        EngineQuiescence watching = new EngineQuiescence();
        watching.watch(s);
        watching.afterEach(context);
        assertThat(EngineAudit.assertUnlocked(s)).isPositive();
    }
}
