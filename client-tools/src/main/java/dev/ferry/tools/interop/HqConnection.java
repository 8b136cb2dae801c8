package dev.ferry.tools.interop;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicStreamType;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** One {@code hq-interop} connection of an {@link HqClient}, on a UDP socket of its own. */
final class HqConnection implements FileConnection {
    /** No error: the connection is done (hq-interop defines no codes of its own). */
    private static final int NO_ERROR = 0;
    private final QuicChannel quic;
    private final Channel datagram;
    private final ResumptionProbe probe;

    HqConnection(QuicChannel quic, Channel datagram, ResumptionProbe probe) {
        this.quic = quic;
        this.datagram = datagram;
        this.probe = probe;
        quic.closeFuture().addListener(f -> datagram.close());
    }

    @Override
    public CompletableFuture<Long> download(Download download) {
        FileChannel file;
        try {
            file = FileChannel.open(download.file(), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
        HqStreamHandler handler = new HqStreamHandler(download, file);
        quic.createStream(QuicStreamType.BIDIRECTIONAL, handler).addListener(f -> {
            if (!f.isSuccess()) {
                handler.fail(new IOException("cannot open a stream for " + download.path() + ": " + f.cause(),
                        f.cause()));
            }
        });
        return handler.result();
    }

    @Override
    public QuicChannel quicChannel() {
        return quic;
    }

    @Override
    public Optional<Boolean> resumedSession() {
        return Optional.of(probe.resumed(quic.sslEngine()));
    }

    @Override
    public CompletableFuture<Void> closeAsync() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        datagram.closeFuture().addListener(f -> done.complete(null));
        if (quic.isOpen()) {
            quic.close(true, NO_ERROR, Unpooled.EMPTY_BUFFER);
        } else {
            datagram.close();
        }
        return done;
    }
}
