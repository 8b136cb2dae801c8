package dev.ferry.app.server;

import dev.ferry.app.config.OriginConfig;
import dev.ferry.origin.OriginProtocol;
import dev.ferry.origin.OriginSettings;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;

import javax.net.ssl.SSLException;

/** Turns an origin's configuration into the origin client's settings, TLS context included. */
final class OriginFactory {
    private OriginFactory() {
    }

    static OriginSettings settings(OriginConfig config) {
        OriginProtocol protocol = switch (config.protocol()) {
            case H1 -> OriginProtocol.H1;
            case H2 -> OriginProtocol.H2;
            case H2C -> OriginProtocol.H2C;
            case H3 -> OriginProtocol.H3;
            case FILES -> throw new IllegalArgumentException("origin " + config.name()
                    + ": a files origin has no network settings");
        };
        // HTTP/3 builds its QUIC TLS context per event loop from verify and ca-file (origin-client's Http3Client).
        SslContext ssl = config.usesTls() && protocol != OriginProtocol.H3 ? sslContext(config, protocol) : null;
        return new OriginSettings(config.name(), protocol, config.endpoints(), ssl, config.tls().serverName(),
                config.tls().verify(), config.timeouts().connect().toMillis(),
                config.pool().maxConnectionsPerLoop(), config.pool().maxIdlePerLoop(),
                config.pool().idleTimeout().toMillis(), config.pool().maxPendingPerLoop(), config.tls().caFile(),
                config.balancing());
    }

    private static SslContext sslContext(OriginConfig config, OriginProtocol protocol) {
        try {
            SslContextBuilder builder = SslContextBuilder.forClient();
            if (!config.tls().verify()) {
                builder.trustManager(InsecureTrustManagerFactory.INSTANCE);
            } else if (config.tls().caFile() != null) {
                builder.trustManager(config.tls().caFile().toFile());
            }
            String alpn = protocol == OriginProtocol.H2 ? ApplicationProtocolNames.HTTP_2
                    : ApplicationProtocolNames.HTTP_1_1;
            builder.applicationProtocolConfig(new ApplicationProtocolConfig(
                    ApplicationProtocolConfig.Protocol.ALPN,
                    ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                    ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                    alpn));
            return builder.build();
        } catch (SSLException | RuntimeException e) {
            throw new IllegalArgumentException("origins." + config.name() + ".tls: cannot build TLS context: "
                    + e.getMessage(), e);
        }
    }
}
