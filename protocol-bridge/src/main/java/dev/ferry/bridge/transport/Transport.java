package dev.ferry.bridge.transport;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

import java.util.Locale;
import java.util.concurrent.ThreadFactory;

/**
 * The socket transport of the whole process, chosen in this one place: Linux's native epoll when its library loads,
 * Java NIO otherwise. Epoll gives what NIO cannot: several UDP sockets on one port ({@code SO_REUSEPORT}), many
 * datagrams per system call ({@code recvmmsg}, and GSO for sending) and fewer copies.
 *
 * <p>{@code FERRY_TRANSPORT} (environment) or {@code -Dferry.transport} (system property, which wins) forces the
 * choice: {@code auto} (the default), {@code epoll} (fail if it cannot load) or {@code nio}.
 *
 * <p>Event loop groups and channels must match: a channel of one transport cannot register with a loop of the
 * other. Code that is handed a group asks {@link #of(EventLoopGroup)} which channel classes to use.
 */
public enum Transport {
    EPOLL {
        @Override
        public IoHandlerFactory ioHandlerFactory() {
            return EpollIoHandler.newFactory();
        }

        @Override
        public Class<? extends DatagramChannel> datagramChannel() {
            return EpollDatagramChannel.class;
        }

        @Override
        public Class<? extends SocketChannel> socketChannel() {
            return EpollSocketChannel.class;
        }

        @Override
        public Class<? extends ServerSocketChannel> serverSocketChannel() {
            return EpollServerSocketChannel.class;
        }
    },
    NIO {
        @Override
        public IoHandlerFactory ioHandlerFactory() {
            return NioIoHandler.newFactory();
        }

        @Override
        public Class<? extends DatagramChannel> datagramChannel() {
            return NioDatagramChannel.class;
        }

        @Override
        public Class<? extends SocketChannel> socketChannel() {
            return NioSocketChannel.class;
        }

        @Override
        public Class<? extends ServerSocketChannel> serverSocketChannel() {
            return NioServerSocketChannel.class;
        }
    };

    /** The system property that forces the transport. */
    public static final String PROPERTY = "ferry.transport";
    /** The environment variable that forces the transport when the property is not set. */
    public static final String ENV = "FERRY_TRANSPORT";

    private static volatile Transport selected;

    /** The factory of this transport's I/O handlers, for an event loop group. */
    public abstract IoHandlerFactory ioHandlerFactory();

    /** The UDP channel class for loops of this transport. */
    public abstract Class<? extends DatagramChannel> datagramChannel();

    /** The TCP client channel class for loops of this transport. */
    public abstract Class<? extends SocketChannel> socketChannel();

    /** The TCP listening channel class for loops of this transport. */
    public abstract Class<? extends ServerSocketChannel> serverSocketChannel();

    /** True when several UDP sockets can share one address, each on its own loop (epoll's SO_REUSEPORT). */
    public boolean sharesPorts() {
        return this == EPOLL;
    }

    /** A group of {@code threads} event loops of this transport. */
    public EventLoopGroup newGroup(int threads) {
        return new MultiThreadIoEventLoopGroup(threads, ioHandlerFactory());
    }

    /** A group of {@code threads} event loops of this transport, on threads made by {@code threadFactory}. */
    public EventLoopGroup newGroup(int threads, ThreadFactory threadFactory) {
        return new MultiThreadIoEventLoopGroup(threads, threadFactory, ioHandlerFactory());
    }

    /** The transport of this process, chosen on first use (see the class comment). */
    public static Transport selected() {
        Transport t = selected;
        if (t == null) {
            synchronized (Transport.class) {
                t = selected;
                if (t == null) {
                    String asked = System.getProperty(PROPERTY);
                    String source = "-D" + PROPERTY;
                    if (asked == null) {
                        asked = System.getenv(ENV);
                        source = ENV;
                    }
                    t = choose(asked, source, Epoll.isAvailable(), Epoll.unavailabilityCause());
                    selected = t;
                }
            }
        }
        return t;
    }

    /**
     * The transport for a request: {@code asked} is null, empty or {@code auto} for the best available, or a
     * transport's name.
     *
     * @param source where {@code asked} came from, for the message of a bad value
     * @throws IllegalArgumentException for a value that names no transport, or epoll asked for where it cannot load
     */
    static Transport choose(String asked, String source, boolean epollAvailable, Throwable epollCause) {
        String value = asked == null ? "" : asked.trim().toLowerCase(Locale.ROOT);
        switch (value) {
            case "", "auto":
                return epollAvailable ? EPOLL : NIO;
            case "nio":
                return NIO;
            case "epoll":
                if (!epollAvailable) {
                    throw new IllegalArgumentException(source + "=epoll, but the native epoll transport cannot load"
                            + (epollCause == null ? "" : ": " + epollCause));
                }
                return EPOLL;
            default:
                throw new IllegalArgumentException(source + ": '" + asked + "' is not a transport; expected auto,"
                        + " epoll or nio");
        }
    }

    /**
     * Turns reading of {@code channel} on or off, the way backpressure does, except that it leaves alone a TCP
     * socket whose input is shut down (the peer's FIN came): nothing is left to read there, and epoll refuses to
     * watch such a socket; the exception would end whatever the channel carries.
     */
    public static void setReading(Channel channel, boolean reading) {
        if (reading && channel instanceof DuplexChannel tcp && tcp.isInputShutdown()) {
            return;
        }
        channel.config().setAutoRead(reading);
    }

    /** The transport whose loops make up {@code group}. */
    public static Transport of(EventLoopGroup group) {
        return group instanceof IoEventLoopGroup io && io.isIoType(EpollIoHandler.class) ? EPOLL : NIO;
    }
}
