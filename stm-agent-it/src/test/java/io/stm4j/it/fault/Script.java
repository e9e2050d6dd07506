package io.stm4j.it.fault;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What one transaction does at each {@link Point} of its body: nothing, throw an injected
 * throwable, or any other action (interfere, interrupt, park). Records the attempts, what the
 * hooks logged and what it injected, for the test to compare with a model.
 */
final class Script {
    /** An action at a point; {@code attempt} counts the body's runs from 1. */
    interface Action {
        void run(int attempt) throws Exception;
    }

    private final Map<Point, Action> actions = new EnumMap<>(Point.class);
    /** Whether the body catches what its nested transaction throws and goes on. */
    boolean catchNested;
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());
    private volatile int attempts;
    private volatile Throwable injected;
    private volatile Point injectedAt;
    private volatile int injections;

    static Script clean() {
        return new Script();
    }

    /** A script that throws a new throwable of {@code kind} at {@code point}, in every attempt. */
    static Script throwing(Point point, Kind kind) {
        return new Script().injecting(point, kind);
    }

    private Script injecting(Point point, Kind kind) {
        actions.put(point, a -> {
            throw sneaky(inject(point, kind.make(point + " (attempt " + a + ")")));
        });
        return this;
    }

    /** Records {@code t} as injected at {@code point} and returns it, for an action to throw. */
    Throwable inject(Point point, Throwable t) {
        injected = t;
        injectedAt = point;
        injections++;
        return t;
    }

    Script on(Point point, Action action) {
        actions.put(point, action);
        return this;
    }

    Script catchingNested() {
        catchNested = true;
        return this;
    }

    /** Called by the body at {@code p}. */
    void at(Point p) throws Exception {
        if (p == Point.BEFORE_ANY_ACCESS) {
            attempts++;
        }
        Action a = actions.get(p);
        if (a != null) {
            a.run(attempts);
        }
    }

    /** Called by a hook at {@code p}: as {@link #at}, throwing checked exceptions unchecked. */
    void hook(Point p) {
        try {
            at(p);
        } catch (Exception e) {
            throw sneaky(e);
        }
    }

    void log(String entry) {
        log.add(entry);
    }

    List<String> log() {
        synchronized (log) {
            return new ArrayList<>(log);
        }
    }

    int attempts() {
        return attempts;
    }

    Throwable injected() {
        return injected;
    }

    Point injectedAt() {
        return injectedAt;
    }

    int injections() {
        return injections;
    }

    @SuppressWarnings("unchecked")
    static <E extends Throwable> E sneaky(Throwable t) throws E {
        throw (E) t;
    }
}
