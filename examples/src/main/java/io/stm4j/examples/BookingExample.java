package io.stm4j.examples;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import com.google.inject.matcher.Matchers;
import com.google.inject.name.Named;
import com.google.inject.name.Names;
import com.google.inject.util.Modules;
import io.stm4j.Atomic;
import io.stm4j.Changeset;
import io.stm4j.Shared;
import io.stm4j.Stm;
import io.stm4j.Store;
import io.stm4j.Value;
import io.stm4j.guice.StmModule;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;

/**
 * Booking: a ticket office wired by Guice. Customers on several threads book and cancel seats for
 * a few shows while an auditor checks the books.
 *
 * <ul>
 *   <li>the seats left of each show are {@code @Shared} fields, changed by {@code @Atomic} service
 *   methods;</li>
 *   <li>the booking records and each customer's tally live in a named {@link Store} injected by
 *   {@link StmModule}, used through the explicit, seed-style API ({@code useVar}, {@code using},
 *   {@code commit}) inside the same transactions: both are published together or not at all;</li>
 *   <li>confirmation messages are side effects, so they are sent from {@link Stm#afterCommit}: once
 *   per committed booking, never for an attempt that was rolled back and re-run;</li>
 *   <li>a metrics interceptor of the application's own (Guice AOP) wraps the service methods, and
 *   sees each call once, however often the transaction inside re-ran.</li>
 * </ul>
 */
public final class BookingExample {
    static final List<String> SHOWS = List.of("Hamlet", "Tosca", "Cats");
    static final int CUSTOMERS = 6;
    static final int MAX_SEATS_PER_BOOKING = 4;

    private BookingExample() {
    }

    /** A booking record, as stored in the bookings store: immutable, since values are shared by reference. */
    record Booking(long number, String customer, String show, int seats, boolean cancelled) {
        Booking cancel() {
            return new Booking(number, customer, show, seats, true);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "#%d %s: %d x %s%s", number, customer, seats, show,
                    cancelled ? " (cancelled)" : "");
        }
    }

    /** Sends messages to customers: an external side effect. */
    interface Notifier {
        void confirmed(Booking booking);

        void cancelled(Booking booking);
    }

    /** The notifier of this example: collects the messages it would send. */
    @Singleton
    static class Outbox implements Notifier {
        final Queue<Booking> confirmations = new ConcurrentLinkedQueue<>();
        final Queue<Booking> cancellations = new ConcurrentLinkedQueue<>();

        @Override
        public void confirmed(Booking booking) {
            confirmations.add(booking);
        }

        @Override
        public void cancelled(Booking booking) {
            cancellations.add(booking);
        }
    }

    /** A show and the seats it has left. */
    static final class Show {
        final String title;
        final int capacity;
        @Shared
        int seatsLeft;

        Show(String title, int capacity) {
            this.title = title;
            this.capacity = capacity;
            this.seatsLeft = capacity;
        }
    }

    /** The shows on sale. */
    @Singleton
    static class Inventory {
        final Map<String, Show> shows = new LinkedHashMap<>();

        @Inject
        Inventory(@Named("seatsPerShow") int seatsPerShow) {
            for (String title : SHOWS) {
                shows.put(title, new Show(title, seatsPerShow));
            }
        }

        Show show(String title) {
            Show s = shows.get(title);
            if (s == null) {
                throw new IllegalArgumentException("no such show: " + title);
            }
            return s;
        }
    }

    /** What an audit found, read as one consistent snapshot of the fields and the store. */
    record Audit(Map<String, Integer> seatsLeft, Map<String, Integer> seatsBooked, Map<String, Integer> tallies,
                 Map<String, Integer> heldByCustomer, long bookings, long lastNumber) {
        /**
         * No show oversold, seats left + seats in live bookings = capacity, one record per booking
         * number, and each customer's tally equals the seats of their live bookings.
         */
        boolean consistent(int capacity) {
            for (String show : SHOWS) {
                int left = seatsLeft.get(show);
                if (left < 0 || left + seatsBooked.getOrDefault(show, 0) != capacity) {
                    return false;
                }
            }
            for (Map.Entry<String, Integer> t : tallies.entrySet()) {
                if (t.getValue() != heldByCustomer.getOrDefault(t.getKey(), 0).intValue()) {
                    return false;
                }
            }
            return bookings == lastNumber && tallies.keySet().containsAll(heldByCustomer.keySet());
        }
    }

    /** The ticket office. Guice subclasses it to apply the metrics interceptor; stm4j is unaffected. */
    @Singleton
    static class BookingService {
        private final Inventory inventory;
        private final Store bookings;
        private final Notifier notifier;
        /** The last booking number handed out: a @Shared counter, so numbers have no gaps even when bodies re-run. */
        @Shared
        long lastNumber;
        /** Not shared: counts every run of the bodies, the rolled-back ones included. */
        final AtomicLong bodyRuns = new AtomicLong();

        @Inject
        BookingService(Inventory inventory, @Named("bookings") Store bookings, Notifier notifier) {
            this.inventory = inventory;
            this.bookings = bookings;
            this.notifier = notifier;
        }

        static String key(long number) {
            return String.format(Locale.ROOT, "booking/%06d", number);
        }

        /**
         * Books seats if there are enough left: the seat count (a @Shared field), the booking record
         * and the customer's tally (store keys) change together or not at all.
         */
        @Atomic
        public Optional<Booking> book(String customer, String title, int seats) {
            bodyRuns.incrementAndGet();
            Show show = inventory.show(title);
            if (show.seatsLeft < seats) {
                return Optional.empty(); // sold out
            }
            show.seatsLeft -= seats;
            Booking booking = new Booking(++lastNumber, customer, title, seats, false);

            // the seed-style API: private copies of two keys, read as one snapshot, committed together
            Changeset c = bookings.using(key(booking.number()), "customer/" + customer);
            c.<Booking>get(key(booking.number())).set(booking);
            Value<Integer> tally = c.get("customer/" + customer);
            tally.set((tally.get() == null ? 0 : tally.get()) + seats);
            c.commit(); // inside a transaction: staged, published when book() commits

            Stm.afterCommit(() -> notifier.confirmed(booking)); // once, and only if it commits
            return Optional.of(booking);
        }

        /** Cancels a live booking and gives its seats back. */
        @Atomic
        public boolean cancel(long number) {
            bodyRuns.incrementAndGet();
            Value<Booking> record = bookings.useVar(key(number));
            Booking booking = record.get();
            if (booking == null || booking.cancelled()) {
                return false;
            }
            inventory.show(booking.show()).seatsLeft += booking.seats();
            record.set(booking.cancel());
            record.commit();
            Value<Integer> tally = bookings.useVar("customer/" + booking.customer());
            tally.set(tally.get() - booking.seats());
            tally.commit();
            Stm.afterCommit(() -> notifier.cancelled(booking));
            return true;
        }

        /** The seats and the records in one snapshot: the @Shared fields and the store agree. */
        @Atomic(readOnly = true)
        public Audit audit() {
            Map<String, Integer> left = new LinkedHashMap<>();
            for (Show s : inventory.shows.values()) {
                left.put(s.title, s.seatsLeft);
            }
            Map<String, Integer> booked = new TreeMap<>();
            Map<String, Integer> tallies = new TreeMap<>();
            Map<String, Integer> held = new TreeMap<>();
            long records = 0;
            for (Map.Entry<String, Object> e : bookings.export().entrySet()) {
                if (e.getValue() instanceof Booking b) {
                    records++;
                    if (!b.cancelled()) {
                        booked.merge(b.show(), b.seats(), Integer::sum);
                        held.merge(b.customer(), b.seats(), Integer::sum);
                    }
                } else if (e.getKey().startsWith("customer/") && e.getValue() != null) {
                    tallies.put(e.getKey().substring("customer/".length()), (Integer) e.getValue());
                }
            }
            return new Audit(left, booked, tallies, held, records, lastNumber);
        }
    }

    /** The application's own interceptor (think Micrometer's @Timed): counts calls per method. */
    static final class Metrics implements MethodInterceptor {
        final Map<String, AtomicLong> calls = new ConcurrentHashMap<>();

        @Override
        public Object invoke(MethodInvocation invocation) throws Throwable {
            calls.computeIfAbsent(invocation.getMethod().getName(), k -> new AtomicLong()).incrementAndGet();
            return invocation.proceed();
        }

        long calls(String method) {
            AtomicLong n = calls.get(method);
            return n == null ? 0 : n.get();
        }
    }

    /** The application's wiring. */
    static final class BookingModule extends AbstractModule {
        private final int seatsPerShow;
        private final Metrics metrics = new Metrics();

        BookingModule(int seatsPerShow) {
            this.seatsPerShow = seatsPerShow;
        }

        @Override
        protected void configure() {
            install(StmModule.builder().store("bookings").build());
            bindConstant().annotatedWith(Names.named("seatsPerShow")).to(seatsPerShow);
            bind(Notifier.class).to(Outbox.class);
            bind(Metrics.class).toInstance(metrics);
            bindInterceptor(Matchers.subclassesOf(BookingService.class), Matchers.annotatedWith(Atomic.class),
                    metrics);
        }
    }

    /** One customer's requests and what came of them; used by one thread. */
    static final class Customer {
        final String name;
        final List<Long> live = new ArrayList<>();
        long requests;
        long booked;
        long soldOut;
        long cancelled;

        Customer(String name) {
            this.name = name;
        }
    }

    /** What the run showed. */
    record Report(int seatsPerShow, List<Customer> customers, Audit finalAudit, long audits, long badAudits,
                  long confirmations, long distinctConfirmations, long cancellations, long bodyRuns,
                  long interceptedCalls, boolean finished) {
        long sum(java.util.function.ToLongFunction<Customer> f) {
            return customers.stream().mapToLong(f).sum();
        }

        boolean neverOversold() {
            return finalAudit.consistent(seatsPerShow) && badAudits == 0;
        }

        boolean notifiedOncePerCommit() {
            return confirmations == sum(c -> c.booked) && distinctConfirmations == confirmations
                    && cancellations == sum(c -> c.cancelled);
        }

        boolean ok() {
            return finished && neverOversold() && notifiedOncePerCommit()
                    && finalAudit.lastNumber == sum(c -> c.booked)
                    && interceptedCalls == sum(c -> c.requests);
        }
    }

    /**
     * Runs the example.
     *
     * @param seatsPerShow the seats of each show
     * @param out where to print
     * @param overrides modules overriding the application's bindings (tests use them for test doubles)
     * @return what happened
     */
    static Report run(int seatsPerShow, PrintStream out, Module... overrides) throws InterruptedException {
        Injector injector = Guice.createInjector(Modules.override(new BookingModule(seatsPerShow)).with(overrides));
        BookingService office = injector.getInstance(BookingService.class);
        Outbox outbox = injector.getInstance(Outbox.class);
        Metrics metrics = injector.getInstance(Metrics.class);
        int requestsPerCustomer = seatsPerShow;

        out.printf("%d shows of %d seats (%s). %d customers on %d threads make %d requests each: book 1..%d%n"
                        + "seats of a random show or, one time in five, cancel one of their bookings. Guice wires the%n"
                        + "service, and subclasses it for a metrics interceptor:%n    %s%n"
                        + "Seats left are @Shared fields; booking records live in the injected%n"
                        + "@Named(\"bookings\") Store; confirmations go out from Stm.afterCommit; an auditor checks%n"
                        + "the books all along.%n%n",
                SHOWS.size(), seatsPerShow, String.join(", ", SHOWS), CUSTOMERS, CUSTOMERS, requestsPerCustomer,
                MAX_SEATS_PER_BOOKING, office.getClass().getName().replace("io.stm4j.examples.", ""));

        List<Customer> customers = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        AtomicLong requests = new AtomicLong();
        String[] names = {"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"};
        for (int i = 0; i < CUSTOMERS; i++) {
            Customer customer = new Customer(names[i % names.length] + (i < names.length ? "" : "-" + i));
            customers.add(customer);
            SplittableRandom random = new SplittableRandom(11 + i);
            threads.add(new Thread(() -> {
                for (int n = 0; n < requestsPerCustomer; n++) {
                    customer.requests++;
                    requests.incrementAndGet();
                    if (!customer.live.isEmpty() && random.nextInt(5) == 0) {
                        long number = customer.live.remove(random.nextInt(customer.live.size()));
                        if (office.cancel(number)) {
                            customer.cancelled++;
                        }
                        continue;
                    }
                    String show = SHOWS.get(random.nextInt(SHOWS.size()));
                    Optional<Booking> b = office.book(customer.name, show, 1 + random.nextInt(MAX_SEATS_PER_BOOKING));
                    if (b.isPresent()) {
                        customer.booked++;
                        customer.live.add(b.get().number());
                    } else {
                        customer.soldOut++;
                    }
                }
            }, customer.name));
        }
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong audits = new AtomicLong();
        AtomicLong badAudits = new AtomicLong();
        Thread auditor = new Thread(() -> {
            // at least one audit, however soon the customers finish
            do {
                if (!office.audit().consistent(seatsPerShow)) {
                    badAudits.incrementAndGet();
                }
                audits.incrementAndGet();
            } while (!stop.get());
        }, "auditor");

        long total = (long) CUSTOMERS * requestsPerCustomer;
        boolean finished;
        try (Progress p = Progress.everySecond(out, "booking", () -> Progress.bar(requests.get(), total) + "  "
                + Table.n(requests.get()) + " requests, " + Table.n(outbox.confirmations.size()) + " confirmations")) {
            auditor.start();
            threads.forEach(Thread::start);
            finished = BankExample.joinAll(threads, TimeUnit.MINUTES.toNanos(5));
            stop.set(true);
            auditor.join(TimeUnit.SECONDS.toMillis(30));
        }
        finished &= !auditor.isAlive();

        Audit last = office.audit();
        long confirmations = outbox.confirmations.size();
        long distinct = outbox.confirmations.stream().map(Booking::number).distinct().count();
        long calls = metrics.calls("book") + metrics.calls("cancel");
        Report r = new Report(seatsPerShow, customers, last, audits.get(), badAudits.get(), confirmations, distinct,
                outbox.cancellations.size(), office.bodyRuns.get(), calls, finished);
        print(r, office, out);
        return r;
    }

    private static void print(Report r, BookingService office, PrintStream out) {
        Table shows = new Table("show", "capacity", "seats left", "seats in live bookings", "sum");
        for (String title : SHOWS) {
            int left = r.finalAudit.seatsLeft().get(title);
            int booked = r.finalAudit.seatsBooked().getOrDefault(title, 0);
            shows.row(title, r.seatsPerShow, left, booked, left + booked);
        }
        shows.print(out);
        out.println();
        Table people = new Table("customer", "requests", "booked", "sold out", "cancelled", "seats held");
        for (Customer c : r.customers) {
            people.row(c.name, c.requests, c.booked, c.soldOut, c.cancelled,
                    r.finalAudit.tallies().getOrDefault(c.name, 0));
        }
        people.rule().row("all", r.sum(c -> c.requests), r.sum(c -> c.booked), r.sum(c -> c.soldOut),
                r.sum(c -> c.cancelled), r.finalAudit.tallies().values().stream().mapToLong(Integer::longValue).sum())
                .print(out);
        out.println();
        new Table("", "count")
                .row("service calls seen by the metrics interceptor", r.interceptedCalls)
                .row("transaction bodies run (re-runs after conflicts included)", r.bodyRuns)
                .row("confirmations sent (afterCommit)", r.confirmations)
                .row("cancellation notices sent (afterCommit)", r.cancellations)
                .row("booking records in the store", r.finalAudit.bookings())
                .row("audits during the run / inconsistent", r.audits + " / " + Table.n(r.badAudits))
                .print(out);
        out.println();
        out.println("the store, as the seed's dump() prints it (first lines):");
        office.bookings.dump().lines().limit(4).forEach(l -> out.println("  " + l));
        out.println();
        out.printf("never oversold: %s (seats left + seats in live bookings = %s for every show, in every one of"
                + " %s audits)%n", yes(r.neverOversold()), Table.n(r.seatsPerShow), Table.n(r.audits + 1));
        out.printf("booking numbers 1..%s, no gaps though %s bodies were re-run: %s%n",
                Table.n(r.finalAudit.lastNumber()), Table.n(r.bodyRuns - r.interceptedCalls),
                yes(r.finalAudit.lastNumber() == r.sum(c -> c.booked)
                        && r.finalAudit.bookings() == r.sum(c -> c.booked)));
        out.printf("one confirmation per committed booking, one notice per cancellation: %s%n",
                yes(r.notifiedOncePerCommit()));
        out.printf("the interceptor saw each of the %s requests once: %s%n", Table.n(r.sum(c -> c.requests)),
                yes(r.interceptedCalls == r.sum(c -> c.requests)));
    }

    private static String yes(boolean b) {
        return b ? "yes" : "NO";
    }
}
