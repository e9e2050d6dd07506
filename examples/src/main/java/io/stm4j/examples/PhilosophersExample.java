package io.stm4j.examples;

import io.stm4j.Atomic;
import io.stm4j.Shared;
import io.stm4j.Stm;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Dining philosophers, the demonstration Kamaelia shipped with its STM: five philosophers round a
 * table, one fork between each pair, and a philosopher needs both neighbouring forks to eat.
 *
 * <p>With locks, "take the left fork, then the right" deadlocks as soon as everyone holds a left
 * fork. Here taking both forks is one {@code @Atomic} method over the forks' {@code @Shared}
 * holders: a philosopher gets both or neither, so nobody ever holds one fork while waiting for the
 * other. When a fork is taken, {@link Stm#retry()} puts the philosopher to sleep until one of the
 * forks it looked at changes hands; no spinning, no deadlock, and everyone eats.
 */
public final class PhilosophersExample {
    static final String[] NAMES = {"Aristotle", "Kant", "Spinoza", "Marx", "Russell"};

    private PhilosophersExample() {
    }

    /** A fork on the table. */
    static final class Fork {
        final int number;
        /** Who holds it; null while it lies on the table. */
        @Shared
        String holder;
        /** Not shared: counts who is eating with it right now, to prove no two ever do. */
        final AtomicInteger usedBy = new AtomicInteger();

        Fork(int number) {
            this.number = number;
        }
    }

    /** A philosopher: thinks, takes both forks, eats, puts them down, for a number of meals. */
    static final class Philosopher implements Runnable {
        final String name;
        final Fork left;
        final Fork right;
        final int mealsWanted;
        private final SplittableRandom random;
        volatile int meals;
        /** Times this philosopher found a fork taken and waited in Stm.retry(); not shared, not rolled back. */
        volatile long waits;
        volatile long longestWaitNanos;
        volatile long collisions;

        Philosopher(String name, Fork left, Fork right, int mealsWanted, long seed) {
            this.name = name;
            this.left = left;
            this.right = right;
            this.mealsWanted = mealsWanted;
            this.random = new SplittableRandom(seed);
        }

        /** Both forks or neither: waits (without spinning) until both are on the table. */
        @Atomic
        void takeForks() {
            if (left.holder != null || right.holder != null) {
                waits++;
                Stm.retry(); // sleeps until left.holder or right.holder changes, then runs this again
            }
            left.holder = name;
            right.holder = name;
        }

        @Atomic
        void putForksDown() {
            left.holder = null;
            right.holder = null;
        }

        @Override
        public void run() {
            try {
                for (int meal = 0; meal < mealsWanted; meal++) {
                    pause(1 + random.nextInt(3)); // thinking
                    long asked = System.nanoTime();
                    takeForks();
                    longestWaitNanos = Math.max(longestWaitNanos, System.nanoTime() - asked);
                    eat();
                    putForksDown();
                    meals++;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void eat() throws InterruptedException {
            int l = left.usedBy.incrementAndGet();
            int r = right.usedBy.incrementAndGet();
            if (l != 1 || r != 1 || !name.equals(left.holder) || !name.equals(right.holder)) {
                collisions++;
            }
            pause(1 + random.nextInt(4)); // eating
            left.usedBy.decrementAndGet();
            right.usedBy.decrementAndGet();
        }

        private static void pause(int millis) throws InterruptedException {
            Thread.sleep(millis); // simulated thinking and eating, not synchronisation
        }
    }

    /** What the dinner showed. */
    record Report(List<Philosopher> philosophers, int mealsWanted, boolean finished, long nanos) {
        boolean everyoneAte() {
            return finished && philosophers.stream().allMatch(p -> p.meals == mealsWanted);
        }

        long collisions() {
            return philosophers.stream().mapToLong(p -> p.collisions).sum();
        }

        boolean ok() {
            return everyoneAte() && collisions() == 0;
        }
    }

    /**
     * Runs the example.
     *
     * @param meals how many meals each philosopher eats
     * @param out where to print
     * @return what happened
     */
    static Report run(int meals, PrintStream out) throws InterruptedException {
        int n = NAMES.length;
        out.printf("%d philosophers round a table, %d forks, %d meals each. Taking both forks is one @Atomic method%n"
                + "over the forks' @Shared holders: a philosopher gets both or neither, and one who finds a fork%n"
                + "taken calls Stm.retry() and sleeps until a fork they looked at changes hands. (With one lock per%n"
                + "fork, \"take the left, then the right\" deadlocks once everyone holds a left fork.)%n%n",
                n, n, meals);
        Fork[] forks = new Fork[n];
        for (int i = 0; i < n; i++) {
            forks[i] = new Fork(i + 1);
        }
        List<Philosopher> philosophers = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Philosopher p = new Philosopher(NAMES[i], forks[i], forks[(i + 1) % n], meals, 7 + i);
            philosophers.add(p);
            threads.add(new Thread(p, p.name));
        }
        long start = System.nanoTime();
        boolean finished;
        try (Progress p = Progress.everySecond(out, "dinner", () -> mealsSoFar(philosophers, meals))) {
            threads.forEach(Thread::start);
            finished = BankExample.joinAll(threads, TimeUnit.MINUTES.toNanos(5));
        }
        long nanos = System.nanoTime() - start;
        if (!finished) {
            threads.forEach(Thread::interrupt);
            BankExample.joinAll(threads, TimeUnit.SECONDS.toNanos(10));
        }
        Report report = new Report(philosophers, meals, finished, nanos);

        Table t = new Table("philosopher", "forks", "meals", "waited for a fork", "longest wait");
        for (Philosopher p : philosophers) {
            t.row(p.name, p.left.number + " & " + p.right.number, p.meals, p.waits,
                    String.format(java.util.Locale.ROOT, "%.1f ms", p.longestWaitNanos / 1e6));
        }
        t.rule().row("all", "", philosophers.stream().mapToLong(p -> p.meals).sum(),
                philosophers.stream().mapToLong(p -> p.waits).sum(), "").print(out);
        out.println();
        out.printf("dinner took %s; %s%n", Table.seconds(nanos),
                finished ? "nobody got stuck: no deadlock." : "STUCK: some philosophers never finished.");
        out.printf("%s%n", report.everyoneAte()
                ? "everyone ate: all " + n + " philosophers had their " + meals + " meals."
                : "NOT everyone ate.");
        out.printf("two neighbours eating with the same fork at once: %d times%s%n", report.collisions(),
                report.collisions() == 0 ? " (never)." : " (BROKEN).");
        return report;
    }

    private static String mealsSoFar(List<Philosopher> philosophers, int meals) {
        StringBuilder b = new StringBuilder();
        long eaten = 0;
        for (Philosopher p : philosophers) {
            b.append(b.length() == 0 ? "" : ", ").append(p.name).append(' ').append(p.meals);
            eaten += p.meals;
        }
        return Progress.bar(eaten, (long) meals * philosophers.size()) + "  meals: " + b;
    }
}
