package dev.ferry.tcpingress;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;

import javax.net.ssl.SSLPeerUnverifiedException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;

/**
 * The client certificate chain of a TLS connection, read once per connection: the SSL engine throws when the
 * client presented none, and asking for every request would pay that each time.
 */
final class TlsPeer {
    private static final AttributeKey<X509Certificate[]> CHAIN = AttributeKey.valueOf(TlsPeer.class, "chain");
    private static final X509Certificate[] NONE = new X509Certificate[0];

    private TlsPeer() {
    }

    /** The verified chain of the connection's client, or null when it presented none. */
    static X509Certificate[] certificates(Channel connection) {
        X509Certificate[] cached = connection.attr(CHAIN).get();
        if (cached == null) {
            cached = read(connection);
            connection.attr(CHAIN).set(cached);
        }
        return cached.length == 0 ? null : cached;
    }

    private static X509Certificate[] read(Channel connection) {
        SslHandler tls = connection.pipeline().get(SslHandler.class);
        if (tls == null) {
            return NONE;
        }
        try {
            Certificate[] chain = tls.engine().getSession().getPeerCertificates();
            X509Certificate[] out = new X509Certificate[chain.length];
            for (int i = 0; i < chain.length; i++) {
                if (!(chain[i] instanceof X509Certificate x509)) {
                    return NONE;
                }
                out[i] = x509;
            }
            return out;
        } catch (SSLPeerUnverifiedException e) {
            return NONE;
        }
    }
}
