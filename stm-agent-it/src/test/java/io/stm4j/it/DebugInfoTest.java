package io.stm4j.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.stm4j.Atomic;
import io.stm4j.Shared;
import org.junit.jupiter.api.Test;

/** Rewriting keeps line numbers and method names: stack traces still point at user code. */
class DebugInfoTest {
    static final class Thrower {
        @Shared long n;

        @Atomic
        void fail() {
            n = 1;
            throw new IllegalStateException("line marker"); // LINE-A
        }

        long readThenFail() {
            long v = n;
            if (v >= 0) {
                throw new IllegalArgumentException("line marker"); // LINE-B
            }
            return v;
        }
    }

    private static int lineOf(String marker) throws Exception {
        java.util.List<String> lines = java.nio.file.Files.readAllLines(
                java.nio.file.Path.of("src/test/java/io/stm4j/it/DebugInfoTest.java"));
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains("// " + marker)) {
                return i + 1;
            }
        }
        throw new AssertionError(marker + " not found");
    }

    @Test
    void anAtomicMethodKeepsItsNameAndLines() throws Exception {
        Thrower t = new Thrower();
        try {
            t.fail();
            throw new AssertionError("expected an exception");
        } catch (IllegalStateException e) {
            StackTraceElement top = e.getStackTrace()[0];
            assertThat(top.getMethodName()).isEqualTo("fail");
            assertThat(top.getFileName()).isEqualTo("DebugInfoTest.java");
            assertThat(top.getLineNumber()).isEqualTo(lineOf("LINE-A"));
        }
    }

    @Test
    void aMethodWithRewrittenFieldAccessKeepsItsLines() throws Exception {
        Thrower t = new Thrower();
        try {
            t.readThenFail();
            throw new AssertionError("expected an exception");
        } catch (IllegalArgumentException e) {
            StackTraceElement top = e.getStackTrace()[0];
            assertThat(top.getMethodName()).isEqualTo("readThenFail");
            assertThat(top.getLineNumber()).isEqualTo(lineOf("LINE-B"));
        }
    }
}
