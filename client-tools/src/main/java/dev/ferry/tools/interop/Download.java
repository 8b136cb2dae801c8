package dev.ferry.tools.interop;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One file to fetch: the request path the server is asked for and the local file its bytes go to.
 *
 * @param path the request path, starting with {@code /}
 * @param file where the body is written (created or truncated)
 */
public record Download(String path, Path file) {
    public Download {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(file, "file");
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("path must start with '/': " + path);
        }
    }
}
