package io.stm4j.internal;

import java.lang.System.Logger.Level;
import java.util.function.Consumer;

/**
 * stm4j's warnings and errors, through {@link System.Logger} (logger {@code io.stm4j}): the JDK's
 * own logging facade, so stm4j needs no logging library on the class path. Without a bridge the
 * lines go to {@code java.util.logging} (standard error by default); an application that uses
 * SLF4J or Log4j routes them there with its usual bridge ({@code slf4j-jdk-platform-logging},
 * {@code log4j-jpl}). The logger is looked up when the first line is logged.
 */
final class Log {
    /** Where warnings go; tests replace it. */
    static volatile Consumer<String> sink = Log::warning;
    /** Where errors go; tests replace it. */
    static volatile Consumer<String> errors = Log::severe;

    private Log() {
    }

    static void warn(String message) {
        sink.accept(message);
    }

    /** Something the user must fix, such as a lost write; never meant to pass unnoticed. */
    static void error(String message) {
        errors.accept(message);
    }

    // named methods: java.util.logging prints the caller's name as the line's source
    private static void warning(String message) {
        Holder.LOGGER.log(Level.WARNING, message);
    }

    private static void severe(String message) {
        Holder.LOGGER.log(Level.ERROR, message);
    }

    private static final class Holder {
        static final System.Logger LOGGER = System.getLogger("io.stm4j");
    }
}
