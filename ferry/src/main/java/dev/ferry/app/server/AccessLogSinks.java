package dev.ferry.app.server;

import dev.ferry.app.config.AccessLogConfig;

import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Where access log lines go: standard output or a file opened for appending, each behind an
 * {@link AsyncLineWriter} so that the event loops never write themselves.
 */
final class AccessLogSinks {
    private static final String THREAD = "ferry-access-log";

    private AccessLogSinks() {
    }

    static AsyncLineWriter open(AccessLogConfig config) {
        if (config.toStdout()) {
            return new AsyncLineWriter(System.out, false, AsyncLineWriter.DEFAULT_CAPACITY, THREAD);
        }
        try {
            if (config.maxSize() > 0) {
                return new AsyncLineWriter(new RotatingFileOutput(Path.of(config.path()), config.maxSize(),
                        config.keep()), AsyncLineWriter.DEFAULT_CAPACITY, THREAD);
            }
            PrintStream out = new PrintStream(new BufferedOutputStream(new FileOutputStream(config.path(), true),
                    64 * 1024), false, StandardCharsets.UTF_8);
            return new AsyncLineWriter(out, true, AsyncLineWriter.DEFAULT_CAPACITY, THREAD);
        } catch (IOException e) {
            throw new UncheckedIOException("access-log.path: cannot open " + config.path(), e);
        }
    }
}
