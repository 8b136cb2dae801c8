package dev.ferry.origin.files;

import dev.ferry.bridge.exchange.OriginConnector;
import dev.ferry.bridge.exchange.OriginExchange;
import dev.ferry.bridge.exchange.OriginListener;
import dev.ferry.bridge.exchange.RequestHead;
import io.netty.channel.EventLoop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * An origin that serves the files under one directory, as a static file server behind the relay would: GET and
 * HEAD of a regular file answer 200 with its bytes; anything outside the directory, missing, or not a regular file
 * answers 404; other methods 405. Requests come through the exchange driver like any other, so hooks, routes,
 * headers and the access log apply.
 *
 * <p>Files are read on the exchange's event loop in chunks, a few per loop turn and only while the client takes
 * them: a large file neither fills memory nor holds the loop. Reads hit the page cache in the cases this origin is
 * meant for (static assets, test and interop files); it is not a replacement for a disk-bound file server.
 */
public final class FileOriginConnector implements OriginConnector {
    private final String name;
    private final Path root;

    private FileOriginConnector(String name, Path root) {
        this.name = name;
        this.root = root;
    }

    /**
     * @param root an existing directory; symbolic links inside it are followed only where they stay inside it
     */
    public static FileOriginConnector create(String name, Path root) {
        Objects.requireNonNull(name, "name");
        try {
            Path real = root.toRealPath();
            if (!Files.isDirectory(real)) {
                throw new IllegalArgumentException(root + " is not a directory");
            }
            return new FileOriginConnector(name, real);
        } catch (IOException e) {
            throw new UncheckedIOException("file origin " + name + ": " + root, e);
        }
    }

    /** The directory served, with links resolved. */
    public Path root() {
        return root;
    }

    @Override
    public OriginExchange open(EventLoop eventLoop, RequestHead originRequest, OriginListener listener) {
        FileOriginExchange exchange = new FileOriginExchange(name, eventLoop, listener);
        // Answer on a later turn: the driver has not stored the exchange yet while open() runs.
        eventLoop.execute(() -> exchange.start(originRequest, FilePaths.resolve(root, originRequest.path())));
        return exchange;
    }
}
