package dev.ferry.app.server;

import dev.ferry.app.config.AccessLogConfig;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/** Where access log lines go: standard output or a file opened for appending. */
final class AccessLogSinks {
    private AccessLogSinks() {
    }

    static Consumer<String> open(AccessLogConfig config) {
        if (config.toStdout()) {
            return System.out::println;
        }
        try {
            PrintStream out = new PrintStream(new FileOutputStream(config.path(), true), true, StandardCharsets.UTF_8);
            return out::println;
        } catch (IOException e) {
            throw new UncheckedIOException("access-log.path: cannot open " + config.path(), e);
        }
    }
}
