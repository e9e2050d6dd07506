package io.stm4j.internal;

import java.util.function.Consumer;

/**
 * stm4j's warnings, through the SLF4J API (logger {@code io.stm4j}); SLF4J is looked up only when
 * the first warning is logged, so an application that never triggers one never meets SLF4J, and
 * no binding is forced on anyone.
 */
final class Log {
    /** Where warnings go; tests replace it. */
    static volatile Consumer<String> sink = Log::slf4j;
    /** Where errors go; tests replace it. */
    static volatile Consumer<String> errors = Log::slf4jError;

    private Log() {
    }

    static void warn(String message) {
        sink.accept(message);
    }

    /** Something the user must fix, such as a lost write; never meant to pass unnoticed. */
    static void error(String message) {
        errors.accept(message);
    }

    private static void slf4j(String message) {
        Holder.LOGGER.warn(message);
    }

    private static void slf4jError(String message) {
        Holder.LOGGER.error(message);
    }

    private static final class Holder {
        static final org.slf4j.Logger LOGGER = org.slf4j.LoggerFactory.getLogger("io.stm4j");
    }
}
