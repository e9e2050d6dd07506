package io.stm4j.examples;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs {@link Main} as the demo script does, capturing what it prints (and echoing it to the test log). */
record Captured(int status, String output) {

    static Captured main(String... args) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int status;
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            status = Main.run(args, out);
        }
        String output = bytes.toString(StandardCharsets.UTF_8);
        System.out.println(output);
        return new Captured(status, output);
    }
}
