package dev.ferry.tcpingress;

import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;

import javax.net.ssl.SSLException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** The TLS context of a TCP listener: the same certificate as its QUIC twin, ALPN {@code h2} then {@code http/1.1}. */
public final class TcpTls {
    private TcpTls() {
    }

    /**
     * @param clientCa when not null, clients are asked for a certificate issued by this CA (optional, as on QUIC:
     *                 a client without one may still authenticate with a token)
     */
    public static SslContext serverContext(Path certificate, Path privateKey, Path clientCa) {
        try {
            SslContextBuilder builder = SslContextBuilder.forServer(certificate.toFile(), privateKey.toFile())
                    .sslProvider(SslProvider.JDK)
                    .protocols("TLSv1.3", "TLSv1.2")
                    // RFC 9113 9.2.2: HTTP/2 over TLS 1.2 only with the ciphers it allows.
                    .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                    .applicationProtocolConfig(new ApplicationProtocolConfig(
                            ApplicationProtocolConfig.Protocol.ALPN,
                            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                            ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1));
            if (clientCa != null) {
                builder.trustManager(clientCa.toFile()).clientAuth(ClientAuth.OPTIONAL);
            }
            return builder.build();
        } catch (SSLException e) {
            throw new UncheckedIOException("TLS context from " + certificate + " and " + privateKey + ": "
                    + e.getMessage(), e);
        }
    }
}
