package io.stm4j.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.atLeastOnce;
import static org.mockito.Mockito.spy;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import com.google.inject.AbstractModule;
import io.stm4j.examples.BookingExample.Booking;
import io.stm4j.examples.BookingExample.Outbox;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mockito.ArgumentCaptor;

/** Booking with Guice: never oversold, and the afterCommit side effects run exactly once per commit. */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BookingExampleIT {
    private static final int SCALE = Integer.getInteger("stm4j.stress.scale", 1);

    @Test
    void theDemoCommandPrintsItsInvariants() throws Exception {
        Captured run = Captured.main("booking", String.valueOf(100 * SCALE));
        assertThat(run.status()).isZero();
        assertThat(run.output())
                .contains("$$EnhancerByGuice$$")
                .containsPattern("never oversold: yes \\(seats left \\+ seats in live bookings = " + Table.n(100L * SCALE)
                        + " for every show, in every one of [\\d,]+ audits\\)")
                .containsPattern("booking numbers 1\\.\\.[\\d,]+, no gaps though [\\d,]+ bodies were re-run: yes")
                .contains("one confirmation per committed booking, one notice per cancellation: yes")
                .contains("the interceptor saw each of the " + Table.n(600L * SCALE) + " requests once: yes")
                .contains("booking/000001 ");
        for (String show : BookingExample.SHOWS) {
            String seats = Table.n(100L * SCALE);
            assertThat(run.output()).containsPattern(show + " +\\| +" + seats + " \\| +[\\d,]+ \\| +[\\d,]+ \\| +"
                    + seats);
        }
    }

    @Test
    void confirmationsAreSentOncePerCommittedBookingVerifiedWithAMockitoSpy() throws Exception {
        Outbox outbox = spy(new Outbox());
        BookingExample.Report r = BookingExample.run(60 * SCALE,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new AbstractModule() {
                    @Override
                    protected void configure() {
                        bind(Outbox.class).toInstance(outbox);
                    }
                });
        assertThat(r.ok()).isTrue();
        long booked = r.sum(c -> c.booked);
        long cancelled = r.sum(c -> c.cancelled);
        assertThat(booked).isPositive();
        assertThat(r.finalAudit().lastNumber()).isEqualTo(booked);
        assertThat(r.finalAudit().seatsLeft().values()).allMatch(left -> left >= 0);

        ArgumentCaptor<Booking> confirmed = ArgumentCaptor.forClass(Booking.class);
        verify(outbox, times((int) booked)).confirmed(confirmed.capture());
        List<Long> numbers = confirmed.getAllValues().stream().map(Booking::number).sorted().toList();
        assertThat(numbers).doesNotHaveDuplicates().hasSize((int) booked).first().isEqualTo(1L);
        assertThat(numbers.get(numbers.size() - 1)).isEqualTo(booked);
        verify(outbox, times((int) cancelled)).cancelled(any());
        verify(outbox, atLeastOnce()).confirmed(any());
    }
}
