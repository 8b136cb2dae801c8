package dev.ferry.tools.interop;

import java.net.Socket;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * A trust manager that accepts every server certificate (the interop runner's are self-signed) and remembers the
 * engines it was asked about, which tells whether a handshake resumed a TLS session.
 *
 * <p>Netty's QUIC codec exposes no "session reused" flag (quiche's {@code is_resumed} is not bound), and an
 * engine's session looks the same either way: a resumed session carries the peer certificates of the one it
 * resumes. But a TLS 1.3 handshake that resumes has no Certificate message, so BoringSSL's verify callback, which
 * calls this trust manager with the engine, does not run. After a handshake, "never asked about this engine" means
 * "resumed" ({@link #resumed(SSLEngine)}).
 *
 * <p>How Netty 4.2.18's QUIC client resumes: the client {@code QuicSslContext} owns a session cache
 * ({@code QuicClientSessionCache}); each session ticket the server sends is stored under the peer host and port the
 * engine was built with ({@code newEngine(alloc, host, port)}), and a new connection whose engine has the same
 * host and port is handed that session before its first packet ({@code quiche_conn_set_session}). TLS 1.3 tickets
 * are single-use: the cache drops one when it hands it out.
 */
public final class ResumptionProbe extends X509ExtendedTrustManager {
    private static final X509Certificate[] NO_ISSUERS = new X509Certificate[0];
    private final Set<SSLEngine> verified = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

    /** True if the handshake of {@code engine}, which must have completed, verified no certificate. */
    public boolean resumed(SSLEngine engine) {
        return !verified.contains(engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        verified.add(engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        // QUIC has no sockets; only the engine variant is called.
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {
        // Called only by code without an engine; nothing to record.
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        throw new UnsupportedOperationException("a client-side trust manager");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        throw new UnsupportedOperationException("a client-side trust manager");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
        throw new UnsupportedOperationException("a client-side trust manager");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return NO_ISSUERS;
    }
}
