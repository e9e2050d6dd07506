package io.stm4j.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stm4j.Stm;
import org.junit.jupiter.api.Test;

/** Every field type round-trips through the store and rolls back. */
class FieldTypesTest {
    @Test
    void everyTypeRoundTripsAndRollsBack() {
        FieldTypes<String> ft = new FieldTypes<>();
        ft.setAll(1, "one");
        String committed = ft.describe();
        assertThat(committed).isEqualTo("true,1,b,1001,100001,10000000001,1.5,1.25,s1,1,[one],one,-1.0,static1");
        assertThatThrownBy(() -> Stm.atomic(() -> {
            ft.setAll(2, "two");
            assertThat(ft.describe()).isEqualTo("false,2,c,1002,100002,10000000002,2.5,2.25,s2,2,[two],two,-2.0,static2");
            throw new IllegalStateException("undo");
        })).hasMessage("undo");
        assertThat(ft.describe()).isEqualTo(committed);
        Stm.atomic(() -> ft.setAll(3, "three"));
        assertThat(ft.describe()).isEqualTo("true,3,d,1003,100003,10000000003,3.5,3.25,s3,3,[three],three,-3.0,static3");
    }

    @Test
    void defaultsAreReadBeforeAnyWrite() {
        FieldTypes<Integer> ft = new FieldTypes<>();
        assertThat(ft.z).isFalse();
        assertThat(ft.j).isZero();
        assertThat(ft.d).isZero();
        assertThat(ft.str).isNull();
        assertThat(ft.array).isNull();
    }

    @Test
    void theArrayReferenceIsTransactionalItsElementsAreNot() {
        FieldTypes<Integer> ft = new FieldTypes<>();
        int[] first = {1};
        ft.array = first;
        assertThatThrownBy(() -> Stm.atomic(() -> {
            ft.array = new int[] {2};
            first[0] = 5; // element writes bypass the store (documented)
            throw new IllegalStateException("undo");
        })).hasMessage("undo");
        assertThat(ft.array).isSameAs(first);
        assertThat(ft.array[0]).isEqualTo(5);
    }
}
