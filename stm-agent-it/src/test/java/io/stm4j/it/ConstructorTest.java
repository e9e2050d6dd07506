package io.stm4j.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.stm4j.Atomic;
import io.stm4j.Shared;
import io.stm4j.testkit.OtherThread;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Rule 6: a constructor initialises the new object's own @Shared fields directly. */
class ConstructorTest {
    private final OtherThread other = new OtherThread();

    @AfterEach
    void close() throws InterruptedException {
        other.close();
    }

    static final class Node {
        @Shared long value;
        @Shared Node next;
        @Shared long readBack;

        Node(long value, Node next) {
            this.value = value;
            this.next = next;
            this.readBack = this.value; // a read in the constructor creates the cell ...
            this.value = value + 1;     // ... and later writes go through it
        }
    }

    static final class Stack {
        @Shared Node top;
        @Shared long trigger;
        final AtomicInteger attempts = new AtomicInteger();

        @Atomic
        Node push(long v, Runnable interfereOnce) {
            attempts.incrementAndGet();
            long t = trigger;
            Node n = new Node(v, top);
            interfereOnce.run();
            trigger = t + 1;
            top = n;
            return n;
        }
    }

    @Test
    void constructorWritesInitialiseTheFields() {
        Node n = new Node(1, null);
        assertThat(n.value).isEqualTo(2);
        assertThat(n.readBack).isEqualTo(1);
        assertThat(n.next).isNull();
        other.run(() -> assertThat(n.value).isEqualTo(2));
    }

    @Test
    void objectsCreatedInARetriedTransactionAreCreatedAfresh() {
        Stack s = new Stack();
        AtomicInteger interfered = new AtomicInteger();
        Node pushed = s.push(10, () -> {
            if (interfered.getAndIncrement() == 0) {
                other.run(() -> s.trigger = 100);
            }
        });
        assertThat(s.attempts.get()).isEqualTo(2);
        assertThat(s.top).isSameAs(pushed);
        assertThat(pushed.value).isEqualTo(11);
        assertThat(pushed.readBack).isEqualTo(10);
        assertThat(s.trigger).isEqualTo(101);
    }

    static final class Copyable implements Cloneable {
        @Shared long n;

        @Override
        public Copyable clone() {
            try {
                return (Copyable) super.clone();
            } catch (CloneNotSupportedException e) {
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void aShallowCopyGetsStateOfItsOwn() {
        Copyable a = new Copyable();
        a.n = 5;
        Copyable b = a.clone();
        assertThat(b.n).isEqualTo(5);
        b.n = 6;
        assertThat(a.n).isEqualTo(5);
        a.n = 7;
        assertThat(b.n).isEqualTo(6);
    }
}
