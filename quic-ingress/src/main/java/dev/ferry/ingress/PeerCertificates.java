package dev.ferry.ingress;

import io.netty.handler.codec.quic.QuicChannel;
import io.netty.util.AttributeKey;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;

/**
 * The client certificate chain of a QUIC connection, read from its TLS session once and kept on the connection.
 * Every request asks for it (to authenticate tunnels, to log); without a client certificate the SSL engine answers
 * by throwing, which per request cost more than the rest of the lookup. The chain cannot change during a QUIC
 * connection: TLS 1.3 in QUIC has no renegotiation and no post-handshake authentication (RFC 9001 4.4).
 */
final class PeerCertificates {
    private static final X509Certificate[] NONE = new X509Certificate[0];
    private static final AttributeKey<X509Certificate[]> KEY =
            AttributeKey.valueOf(PeerCertificates.class, "peer-certificates");

    private PeerCertificates() {
    }

    /** The chain, leaf first, or null when the client presented none. Call after the handshake (on a request). */
    static X509Certificate[] of(QuicChannel connection) {
        X509Certificate[] chain = connection.attr(KEY).get();
        if (chain == null) {
            chain = read(connection.sslEngine());
            connection.attr(KEY).set(chain);
        }
        return chain.length == 0 ? null : chain.clone();
    }

    private static X509Certificate[] read(SSLEngine engine) {
        if (engine == null) {
            return NONE;
        }
        try {
            Certificate[] chain = engine.getSession().getPeerCertificates();
            X509Certificate[] x509 = new X509Certificate[chain.length];
            for (int i = 0; i < chain.length; i++) {
                x509[i] = (X509Certificate) chain[i];
            }
            return x509;
        } catch (SSLPeerUnverifiedException | ClassCastException e) {
            return NONE;
        }
    }
}
