package io.stm4j.internal;

import io.stm4j.Atomic;
import io.stm4j.Shared;
import java.lang.StackWalker.StackFrame;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Finds code annotated for stm4j that runs plain because nothing rewrote it (no agent, no
 * build-time weaving, or a class loaded before the agent), so that the runtime can say so instead
 * of giving a silently wrong answer. Only the caller's stack is looked at, and only where it is
 * cheap: on the error paths of the engine's API, and a few times while the agent is not active.
 */
final class Unrewritten {
    /** What fixes it, in every message. */
    static final String FIX = "start the JVM with -javaagent:<path to stm-agent jar>, weave the classes at build"
            + " time (stm4j-maven-plugin), or, in tests, add the test dependency io.stm4j:stm-junit";
    /** How many times the once-per-JVM check looks before it gives up (a program that never needs it). */
    private static final int CHECKS = 64;

    private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);
    private static final AtomicBoolean REPORTED = new AtomicBoolean();
    private static final AtomicInteger CHECKED = new AtomicInteger();

    private Unrewritten() {
    }

    /**
     * @return the nearest caller on this thread's stack that stm4j should have rewritten and did
     *     not ("@Atomic method a.B.m" or "a.B, which declares @Shared fields"), or null
     */
    static String annotatedCaller() {
        return WALKER.walk(frames -> frames.filter(f -> !isStm4j(f.getDeclaringClass()))
                .map(Unrewritten::describe).filter(d -> d != null).findFirst().orElse(null));
    }

    /**
     * Once per JVM, while neither the agent nor woven classes are there: if the caller is annotated
     * code that nothing rewrote, logs one error saying so. Stops looking after a few calls.
     */
    static void reportOnce() {
        if (REPORTED.get() || CHECKED.get() >= CHECKS || AgentSupport.isActive()
                || AgentSupport.wovenClassesPresent() || CHECKED.incrementAndGet() > CHECKS) {
            return;
        }
        String caller = annotatedCaller();
        if (caller != null && REPORTED.compareAndSet(false, true)) {
            Log.error("stm4j: " + caller + " runs without the stm4j agent or build-time weaving: its @Atomic"
                    + " methods and @Shared fields are plain Java (no transaction, no rollback, no isolation). To fix: "
                    + FIX);
        }
    }

    /** Forgets that the error was logged (for tests). */
    static void forgetReport() {
        REPORTED.set(false);
        CHECKED.set(0);
    }

    /** The engine, API, SPI and collections of stm4j (not code of stm4j's users, such as its examples). */
    private static boolean isStm4j(Class<?> c) {
        String p = c.getPackageName();
        return p.equals("io.stm4j") || p.equals("io.stm4j.spi") || p.equals("io.stm4j.collections")
                || p.startsWith("io.stm4j.internal") || p.startsWith("java.") || p.startsWith("jdk.");
    }

    private static String describe(StackFrame f) {
        Class<?> c = f.getDeclaringClass();
        if (c.isAnnotationPresent(Rewritten.class)) {
            return null;
        }
        try {
            Method m = c.getDeclaredMethod(f.getMethodName(), f.getMethodType().parameterArray());
            if (m.isAnnotationPresent(Atomic.class)) {
                return "@Atomic method " + c.getName() + "." + m.getName();
            }
        } catch (NoSuchMethodException | SecurityException | TypeNotPresentException | LinkageError e) {
            // a constructor, initialiser or lambda body: only the class can tell
        }
        for (Field field : declaredFields(c)) {
            if (field.isAnnotationPresent(Shared.class)) {
                return c.getName() + ", which declares @Shared fields,";
            }
        }
        return null;
    }

    private static Field[] declaredFields(Class<?> c) {
        try {
            return c.getDeclaredFields();
        } catch (SecurityException | LinkageError e) {
            return new Field[0]; // fields that cannot be listed cannot be reported either
        }
    }
}
