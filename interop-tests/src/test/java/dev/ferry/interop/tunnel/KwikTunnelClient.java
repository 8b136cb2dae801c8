package dev.ferry.interop.tunnel;

import dev.ferry.interop.support.KwikTrace;
import dev.ferry.http3.Http3Codes;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import tech.kwik.core.ConnectionListener;
import tech.kwik.core.ConnectionTerminatedEvent;
import tech.kwik.core.QuicClientConnection;
import tech.kwik.core.QuicConnection;
import tech.kwik.core.QuicStream;
import tech.kwik.flupke.HttpStream;
import tech.kwik.flupke.impl.HeadersFrame;
import tech.kwik.flupke.impl.Http3ClientConnectionImpl;
import tech.kwik.flupke.impl.Http3Frame;

/**
 * An HTTP/3 client made of kwik (QUIC) and flupke (HTTP/3) pieces, for tunnel tests against the relay.
 *
 * <p>Why not just {@code Http3Client.sendConnect} / {@code sendExtendedConnect}: flupke 0.9.4 throws
 * {@code HttpError(status)} for a non-2xx answer and returns a bare {@link HttpStream} for a 2xx one, so the response
 * header fields ({@code proxy-status}, {@code proxy-authenticate}, {@code capsule-protocol}) are never visible; its
 * {@code Http3Client} builder has no way to add a SETTINGS parameter or to enable QUIC datagrams either; and its
 * classic {@code sendConnect(HttpRequest)} takes the request URI both as the server to connect to and as the
 * {@code :authority}, so it can only CONNECT to the proxy's own address. So this
 * class builds the kwik {@link QuicClientConnection} itself (datagram extension on, optional client certificate),
 * hands it to flupke's {@link Http3ClientConnectionImpl} (public constructor taking a {@link QuicConnection}), adds
 * SETTINGS_H3_DATAGRAM (0x33) with flupke's public {@code addSettingsParameter} before the control stream is
 * opened, and sends CONNECT request heads with flupke's own {@link HeadersFrame} and QPACK encoder, reading the
 * answer's HEADERS frame with flupke's frame reader. After a 2xx the stream is flupke's own
 * {@code HttpStreamImpl}: writes become DATA frames, reads return DATA frame payloads.
 */
final class KwikTunnelClient extends Http3ClientConnectionImpl implements AutoCloseable {
    static final long SETTINGS_ENABLE_CONNECT_PROTOCOL = 0x08;

    private final QuicClientConnection quic;
    private final ExecutorService executor;
    private volatile String termination;

    private KwikTunnelClient(QuicClientConnection quic, ExecutorService executor) {
        super(quic, executor);
        this.quic = quic;
        this.executor = executor;
        quic.setConnectionListener(new ConnectionListener() {
            @Override
            public void disconnected(ConnectionTerminatedEvent event) {
                termination = event.closeReason() + (event.closedByPeer() ? " by peer" : " locally")
                        + (event.hasTransportError() ? ", transport error 0x"
                        + Long.toHexString(event.transportErrorCode()) : "")
                        + (event.hasApplicationError() ? ", application error 0x"
                        + Long.toHexString(event.applicationErrorCode()) : "")
                        + (event.errorDescription() == null ? "" : ": " + event.errorDescription());
            }
        });
    }

    /** How the connection ended, or null while it is up. */
    String termination() {
        return termination;
    }

    /** Connects without a client certificate; {@code h3Datagram} adds SETTINGS_H3_DATAGRAM = 1. */
    static KwikTunnelClient connect(InetSocketAddress relay, boolean h3Datagram) throws IOException {
        return connect(relay, h3Datagram, null, null);
    }

    /**
     * Connects, presenting {@code certificate} (with {@code key}) when not null.
     *
     * <p>One client-side race is recognised and met with a second attempt, and only that one. agent15 3.1 (kwik's
     * TLS engine) sets its state to "waiting for ServerHello" only after {@code send(clientHello)} returns
     * ({@code TlsClientEngineImpl.startHandshake}); a ServerHello that kwik's receiver thread processes before that
     * assignment is dropped as unexpected, the handshake keys are never derived, and every Handshake packet after it
     * is discarded until the connect times out. With the relay in the same JVM on a loaded 2-core machine the answer
     * can come back that fast (seen in about one loaded run in six). The relay's side of such a handshake is correct:
     * it sent its ServerHello and retransmits its Handshake packets. The trace proves which case it was: the
     * ServerHello in kwik's crypto stream, followed by Handshake packets that cannot be decrypted. Any other failure,
     * or the race twice, fails the test.
     */
    static KwikTunnelClient connect(InetSocketAddress relay, boolean h3Datagram, X509Certificate certificate,
                                    PrivateKey key) throws IOException {
        try {
            return attempt(relay, h3Datagram, certificate, key);
        } catch (ServerHelloRace race) {
            System.err.println("KwikTunnelClient: " + race.getMessage() + "; connecting once more");
            return attempt(relay, h3Datagram, certificate, key);
        }
    }

    /** The handshake stalled in agent15's ServerHello race (see {@link #connect}). */
    static final class ServerHelloRace extends java.net.ConnectException {
        private static final long serialVersionUID = 1L;

        ServerHelloRace(String message) {
            super(message);
        }
    }

    private static KwikTunnelClient attempt(InetSocketAddress relay, boolean h3Datagram, X509Certificate certificate,
                                            PrivateKey key) throws IOException {
        KwikTrace trace = KwikTrace.handshake();
        QuicClientConnection.Builder builder = QuicClientConnection.newBuilder()
                .uri(URI.create("https://" + relay.getAddress().getHostAddress() + ":" + relay.getPort()))
                .version(QuicConnection.QuicVersion.V1)
                .applicationProtocol("h3")
                .connectTimeout(Duration.ofSeconds(10))
                .maxIdleTimeout(Duration.ofSeconds(60))
                .maxOpenPeerInitiatedUnidirectionalStreams(10)
                .maxOpenPeerInitiatedBidirectionalStreams(0)
                .noServerCertificateCheck()
                .logger(trace)
                .enableDatagramExtension();
        if (certificate != null) {
            builder.clientCertificate(certificate).clientCertificateKey(key);
        }
        ExecutorService executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "kwik-tunnel-client");
            t.setDaemon(true);
            return t;
        });
        KwikTunnelClient client = new KwikTunnelClient(builder.build(), executor);
        if (h3Datagram) {
            client.addSettingsParameter(Http3Codes.SETTINGS_H3_DATAGRAM, 1);
        }
        try {
            client.connect();
            if (!client.settingsFrameReceived.await(10, TimeUnit.SECONDS)) {
                throw new IOException("no SETTINGS from the relay within 10 s");
            }
            trace.stopTracing();
        } catch (IOException | RuntimeException e) {
            client.close();
            List<String> lines = trace.lines();
            if (e instanceof java.net.ConnectException && trace.showsServerHelloRace()) {
                throw new ServerHelloRace("kwik dropped the relay's ServerHello (agent15 state race) and timed out: "
                        + e.getMessage());
            }
            System.err.println("kwik handshake trace (" + lines.size() + " lines) before: " + e);
            lines.forEach(line -> System.err.println("  " + line));
            throw e;
        } catch (InterruptedException e) {
            client.close();
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        return client;
    }

    /** The kwik connection (QUIC datagrams: {@code sendDatagram}, {@code setDatagramHandler}). */
    QuicClientConnection quic() {
        return quic;
    }

    /** A SETTINGS value the relay sent, if it sent that id. */
    Optional<Long> peerSetting(long id) {
        return getPeerSettingsParameter(id);
    }

    /** Classic CONNECT (RFC 9114 4.4) to {@code authority} ("host:port", "[v6]:port"). */
    Tunnel connectTcp(String authority, Map<String, String> headers) throws IOException {
        Map<String, String> pseudo = new LinkedHashMap<>();
        pseudo.put(":method", "CONNECT");
        pseudo.put(":authority", authority);
        return open(pseudo, headers);
    }

    /** Extended CONNECT with {@code :protocol connect-udp} (RFC 9298) to {@code path}, {@code capsule-protocol: ?1}. */
    Tunnel connectUdp(String authority, String path, Map<String, String> headers) throws IOException {
        Map<String, String> pseudo = new LinkedHashMap<>();
        pseudo.put(":method", "CONNECT");
        pseudo.put(":protocol", "connect-udp");
        pseudo.put(":scheme", "https");
        pseudo.put(":authority", authority);
        pseudo.put(":path", path);
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.put("capsule-protocol", "?1");
        return open(pseudo, all);
    }

    /** The RFC 9298 default-template path for {@code host} (IPv6 colons percent-encoded) and {@code port}. */
    static String masquePath(String host, int port) {
        return "/.well-known/masque/udp/" + host.replace(":", "%3A") + "/" + port + "/";
    }

    private Tunnel open(Map<String, String> pseudo, Map<String, String> headers) throws IOException {
        Map<String, List<String>> fields = new LinkedHashMap<>();
        headers.forEach((k, v) -> fields.put(k, List.of(v)));
        HeadersFrame request = new HeadersFrame(HttpHeaders.of(fields, (a, b) -> true), pseudo);
        QuicStream stream = quicConnection.createStream(true);
        IOException sendFailure = null;
        try {
            stream.getOutputStream().write(request.toBytes(qpackEncoder));
            stream.getOutputStream().flush();
        } catch (IOException e) {
            // A relay that refuses a CONNECT answers at once and sends STOP_SENDING for the rest of the request
            // (RFC 9114 4.1); kwik then fails our own write or flush with "output stream is reset" although the
            // HEADERS frame already left. The answer is still there to be read: read it before judging.
            sendFailure = e;
        }
        InputStream in = stream.getInputStream();
        Http3Frame frame;
        try {
            frame = readFrame(in);
        } catch (tech.kwik.flupke.HttpError | IOException e) {
            IOException failure = new IOException("reading the response head: " + e + " (connection: "
                    + termination + ")", e);
            if (sendFailure != null) {
                failure.addSuppressed(sendFailure);
            }
            throw failure;
        }
        if (!(frame instanceof HeadersFrame head)) {
            throw new IOException("expected a HEADERS frame, got " + (frame == null ? "end of stream" : frame));
        }
        int status = Integer.parseInt(head.getPseudoHeader(":status"));
        return new Tunnel(status, head.headers(), stream, new HttpStreamImpl(stream));
    }

    @Override
    public void close() {
        try {
            quic.close();
        } finally {
            executor.shutdownNow();
        }
    }

    /**
     * One CONNECT's answer and stream.
     *
     * @param stream the flupke view (DATA frames); read it only after a 2xx
     */
    record Tunnel(int status, HttpHeaders headers, QuicStream quicStream, HttpStream stream) {
        /** The quarter stream id of RFC 9297 2.1. */
        long quarterStreamId() {
            return quicStream.getStreamId() / 4;
        }

        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        /** Ends the client's side of the stream (FIN). */
        void finish() throws IOException {
            stream.getOutputStream().close();
        }

        /** Reads the DATA payload until the relay ends the stream (returns what was read, possibly nothing). */
        byte[] readToEnd() throws IOException {
            return stream.getInputStream().readAllBytes();
        }
    }
}
