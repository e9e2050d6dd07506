package io.stm4j.it.plainjava;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.gson.Gson;
import io.stm4j.Stm;
import io.stm4j.it.support.RacingReads;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * What reads fields by reflection sees of {@code @Shared} fields: the declared field holds the
 * latest committed value, so serialization, JSON mappers and {@code Field.get} see committed
 * state, never a value from before the first transaction and never an uncommitted one; objects
 * they make are transactional from their first use.
 */
class ReflectiveReadersTest {
    private static Stock committed() {
        Stock s = new Stock("A-1", 10, 2.5);
        s.add(5);
        s.reprice(3.25, "A-2");
        return s;
    }

    @Test
    void serializationWritesCommittedStateAndTheCopyIsTransactional() {
        Stock s = committed();
        Stock copy = roundTrip(s);
        assertThat(copy.quantity()).isEqualTo(15);
        assertThat(copy.price()).isEqualTo(3.25);
        assertThat(copy.sku()).isEqualTo("A-2");
        assertThat(copy.active()).isFalse();

        copy.add(1);
        assertThat(copy.quantity()).isEqualTo(16);
        assertThat(s.quantity()).isEqualTo(15);
        assertThat(roundTrip(copy).quantity()).isEqualTo(16);
        // and a deserialized copy rolls back like any other object
        assertThatThrownBy(() -> Stm.atomic(() -> {
            copy.add(100);
            throw new IllegalStateException("no");
        })).hasMessage("no");
        assertThat(copy.quantity()).isEqualTo(16);
    }

    @Test
    void serializationInsideATransactionNeverWritesItsUncommittedValues() {
        Stock s = committed();
        AtomicReference<byte[]> stream = new AtomicReference<>();
        assertThatThrownBy(() -> Stm.atomic(() -> {
            s.add(100);
            s.reprice(9.0, "B-9");
            stream.set(serialize(s));
            throw new IllegalStateException("rolled back");
        })).hasMessage("rolled back");
        Stock copy = deserialize(stream.get());
        assertThat(copy.quantity()).isEqualTo(15);
        assertThat(copy.sku()).isEqualTo("A-2");
        assertThat(s.quantity()).isEqualTo(15);
    }

    @Test
    void reflectiveReadsSeeCommittedValuesOfEveryKind() throws Exception {
        Stock s = committed();
        assertThat(field("quantity").getLong(s)).isEqualTo(15);
        assertThat(field("price").getDouble(s)).isEqualTo(3.25);
        assertThat(field("sku").get(s)).isEqualTo("A-2");
        assertThat(field("active").getBoolean(s)).isFalse();
        int before = Stock.created;
        new Stock("C", 1, 1.0);
        assertThat(field("created").getInt(null)).isEqualTo(before + 1);

        // inside a transaction: its own writes are not in the field until it commits
        Stm.atomic(() -> {
            s.add(1);
            try {
                assertThat(field("quantity").getLong(s)).isEqualTo(15);
            } catch (IllegalAccessException e) {
                throw new AssertionError(e);
            }
        });
        assertThat(field("quantity").getLong(s)).isEqualTo(16);
    }

    @Test
    void reflectiveReadsOfEveryPrimitiveKindMatchTheCommittedBits() throws Exception {
        AllKinds k = new AllKinds();
        for (int n = 0; n < 6; n++) {
            if (n % 2 == 0) {
                k.setAll(n);
            } else {
                k.setAllAtomically(n);
            }
            assertThat(k.reflectively()).as("after write %d", n).isEqualTo(k.values());
        }
    }

    /**
     * Hunts for an uncommitted or out-of-order value in the declared field: one thread commits
     * increments and, in between, attempts that write a negative sentinel and roll back; another
     * reads the field by reflection the whole time. Every value read must be committed (never
     * negative) and never older than one read before it.
     */
    @Test
    void aReflectiveReaderRacingCommitsSeesOnlyCommittedValuesInOrder() throws Exception {
        Stock s = new Stock("R", 0, 1.0);
        Field q = field("quantity");
        long last = RacingReads.neverGoBack("reflective-race-writer", () -> {
            s.add(1);
            assertThatThrownBy(() -> Stm.atomic(() -> {
                s.add(-1_000_000_000L);
                throw new IllegalStateException("rolled back");
            })).hasMessage("rolled back");
        }, () -> {
            try {
                long x = q.getLong(s);
                assertThat(x).as("never the rolled-back value").isNotNegative();
                return x;
            } catch (IllegalAccessException e) {
                throw new AssertionError(e);
            }
        });
        assertThat(q.getLong(s)).isEqualTo(s.quantity()).isGreaterThanOrEqualTo(last);
    }

    @Test
    void gsonRoundTripsCommittedState() {
        Gson gson = new Gson();
        Stock s = committed();
        String json = gson.toJson(s);
        assertThat(json).contains("\"quantity\":15").contains("\"sku\":\"A-2\"").doesNotContain("stm$");
        Stock back = gson.fromJson(json, Stock.class);
        assertThat(back.quantity()).isEqualTo(15);
        assertThat(back.sku()).isEqualTo("A-2");
        back.add(5);
        assertThat(back.quantity()).isEqualTo(20);
        assertThat(gson.toJson(back)).contains("\"quantity\":20");
    }

    @Test
    void jacksonWithFieldVisibilityRoundTripsCommittedState() throws Exception {
        ObjectMapper mapper = new ObjectMapper()
                .setVisibility(PropertyAccessor.ALL, JsonAutoDetect.Visibility.NONE)
                .setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY);
        Stock s = committed();
        String json = mapper.writeValueAsString(s);
        assertThat(json).contains("\"quantity\":15").contains("\"price\":3.25").doesNotContain("stm$");
        Stock back = mapper.readValue(json, Stock.class);
        assertThat(back.quantity()).isEqualTo(15);
        assertThat(back.active()).isFalse();
        back.add(5);
        assertThat(mapper.writeValueAsString(back)).contains("\"quantity\":20");
    }

    static Field field(String name) {
        try {
            Field f = Stock.class.getDeclaredField(name);
            f.setAccessible(true);
            return f;
        } catch (NoSuchFieldException e) {
            throw new AssertionError(e);
        }
    }

    static Stock roundTrip(Stock s) {
        return deserialize(serialize(s));
    }

    static byte[] serialize(Object o) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static Stock deserialize(byte[] b) {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(b))) {
            return (Stock) in.readObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
    }
}
