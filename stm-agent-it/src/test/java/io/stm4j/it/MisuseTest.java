package io.stm4j.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stm4j.it.misuse.AbstractAtomic;
import io.stm4j.it.misuse.FinalShared;
import io.stm4j.it.misuse.NativeAtomic;
import org.junit.jupiter.api.Test;

/** Rule 7: misuse fails the class's initialisation with a message naming class and member. */
class MisuseTest {
    @Test
    void finalSharedField() {
        assertThatThrownBy(FinalShared::new)
                .isInstanceOf(ExceptionInInitializerError.class)
                .cause().isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("io.stm4j.it.misuse.FinalShared.frozen")
                .hasMessageContaining("final");
    }

    @Test
    void abstractAtomicMethod() {
        assertThatThrownBy(AbstractAtomic.Impl::new)
                .isInstanceOf(ExceptionInInitializerError.class)
                .cause().hasMessageContaining("io.stm4j.it.misuse.AbstractAtomic.work")
                .hasMessageContaining("abstract");
    }

    @Test
    void nativeAtomicMethod() {
        assertThatThrownBy(NativeAtomic::new)
                .isInstanceOf(ExceptionInInitializerError.class)
                .cause().hasMessageContaining("io.stm4j.it.misuse.NativeAtomic.work")
                .hasMessageContaining("native");
    }

    @Test
    void aMisusedClassStaysUnusable() {
        assertThatThrownBy(FinalShared::new).isInstanceOf(Throwable.class);
        assertThatThrownBy(FinalShared::new).isInstanceOf(NoClassDefFoundError.class);
    }
}
