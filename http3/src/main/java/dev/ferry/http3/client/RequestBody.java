package dev.ferry.http3.client;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * The body of a request: nothing, bytes in memory, or a file that is read chunk by chunk while it is sent, so that
 * uploads of any size need only one chunk of memory at a time.
 */
public abstract class RequestBody {
    private static final RequestBody EMPTY = new RequestBody() {
        @Override
        public long length() {
            return 0;
        }

        @Override
        Source open() {
            return (alloc, max) -> null;
        }
    };

    private RequestBody() {
    }

    /** The empty body: the request ends with its HEADERS frame. */
    public static RequestBody empty() {
        return EMPTY;
    }

    /** A body held in memory; the array is not copied, so do not change it while the request is in flight. */
    public static RequestBody of(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        return new RequestBody() {
            @Override
            public long length() {
                return bytes.length;
            }

            @Override
            Source open() {
                return new Source() {
                    private int offset;

                    @Override
                    public ByteBuf next(ByteBufAllocator alloc, int max) {
                        if (offset >= bytes.length) {
                            return null;
                        }
                        int n = Math.min(max, bytes.length - offset);
                        ByteBuf chunk = Unpooled.wrappedBuffer(bytes, offset, n);
                        offset += n;
                        return chunk;
                    }
                };
            }
        };
    }

    /** A body streamed from a file; the file is opened when the request is sent and read as the stream drains. */
    public static RequestBody of(Path file) {
        Objects.requireNonNull(file, "file");
        return new RequestBody() {
            @Override
            public long length() {
                try {
                    return java.nio.file.Files.size(file);
                } catch (IOException e) {
                    return -1;
                }
            }

            @Override
            Source open() throws IOException {
                FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
                return new Source() {
                    @Override
                    public ByteBuf next(ByteBufAllocator alloc, int max) throws IOException {
                        ByteBuf chunk = alloc.ioBuffer(max);
                        try {
                            int n = chunk.writeBytes(channel, max);
                            if (n < 0) {
                                chunk.release();
                                return null;
                            }
                            return chunk;
                        } catch (IOException | RuntimeException e) {
                            chunk.release();
                            throw e;
                        }
                    }

                    @Override
                    public void close() throws IOException {
                        channel.close();
                    }
                };
            }
        };
    }

    /**
     * A body of {@code length} bytes made on the fly by {@code generator}, chunk by chunk: uploads of any size for
     * benchmarks and tests without a file on disk.
     */
    public static RequestBody generated(long length, Generator generator) {
        return new RequestBody() {
            @Override
            public long length() {
                return length;
            }

            @Override
            Source open() {
                return new Source() {
                    private long offset;

                    @Override
                    public ByteBuf next(ByteBufAllocator alloc, int max) {
                        if (offset >= length) {
                            return null;
                        }
                        int len = (int) Math.min(max, length - offset);
                        ByteBuf chunk = generator.chunk(alloc, offset, len);
                        offset += len;
                        return chunk;
                    }
                };
            }
        };
    }

    /** Makes the bytes of a generated body. */
    @FunctionalInterface
    public interface Generator {
        /** The {@code len} bytes starting at {@code offset}. */
        ByteBuf chunk(ByteBufAllocator alloc, long offset, int len);
    }

    /** The length in bytes, or -1 when it cannot be known in advance. */
    public abstract long length();

    abstract Source open() throws IOException;

    /** Hands out the body in chunks; {@code null} marks the end. */
    interface Source extends Closeable {
        ByteBuf next(ByteBufAllocator alloc, int max) throws IOException;

        @Override
        default void close() throws IOException {
        }
    }
}
