package dev.ferry.app.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A log file that rotates by size, the way logrotate's numbered scheme does: before a line would take the file past
 * {@code maxBytes}, {@code FILE.(keep-1)} becomes {@code FILE.keep} (the oldest is deleted), ..., {@code FILE}
 * becomes {@code FILE.1}, and a new {@code FILE} is started. A line is never split across two files. Used only by
 * the writer thread of an {@link AsyncLineWriter}, so it needs no lock.
 */
final class RotatingFileOutput implements LineOutput {
    private static final Logger log = LoggerFactory.getLogger(RotatingFileOutput.class);
    private static final byte[] NEWLINE = {'\n'};

    private final Path file;
    private final long maxBytes;
    private final int keep;
    private OutputStream out;
    private long size;

    /**
     * @param maxBytes the most a file holds before the next line starts a new one (a single longer line still
     *                 gets a file of its own)
     * @param keep     rotated files kept beside the current one
     */
    RotatingFileOutput(Path file, long maxBytes, int keep) throws IOException {
        if (maxBytes < 1 || keep < 1) {
            throw new IllegalArgumentException("maxBytes " + maxBytes + " and keep " + keep + " must be positive");
        }
        this.file = file;
        this.maxBytes = maxBytes;
        this.keep = keep;
        open();
    }

    private void open() throws IOException {
        out = new BufferedOutputStream(new FileOutputStream(file.toFile(), true), 64 * 1024);
        size = Files.exists(file) ? Files.size(file) : 0;
    }

    @Override
    public void line(String line) {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        try {
            if (size > 0 && size + bytes.length + 1 > maxBytes) {
                rotate();
            }
            out.write(bytes);
            out.write(NEWLINE);
            size += bytes.length + 1;
        } catch (IOException e) {
            throw new UncheckedIOException("access log " + file, e);
        }
    }

    private void rotate() throws IOException {
        out.close();
        Files.deleteIfExists(numbered(keep));
        for (int i = keep - 1; i >= 1; i--) {
            if (Files.exists(numbered(i))) {
                Files.move(numbered(i), numbered(i + 1), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.move(file, numbered(1), StandardCopyOption.REPLACE_EXISTING);
        open();
        log.info("access log {} rotated at {} bytes", file, maxBytes);
    }

    private Path numbered(int n) {
        return file.resolveSibling(file.getFileName() + "." + n);
    }

    @Override
    public void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("access log " + file, e);
        }
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("access log " + file, e);
        }
    }
}
