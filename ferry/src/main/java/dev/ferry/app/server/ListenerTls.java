package dev.ferry.app.server;

import dev.ferry.app.config.ListenerConfig;
import dev.ferry.app.config.QuicConfig;
import dev.ferry.http3.tls.KeylogFile;
import dev.ferry.http3.tls.SelfSignedCertificate;
import io.netty.handler.codec.http3.Http3;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.ssl.ClientAuth;

import java.nio.file.Path;

/** The QUIC TLS context of a listener: from the configured PEM files, or a certificate generated and kept. */
final class ListenerTls {
    private ListenerTls() {
    }

    /** The certificate and key files actually used, for printing where they are, and the key log if any. */
    record Files(Path certificate, Path privateKey, Path keylogFile) {
    }

    static Files files(ListenerConfig listener, Path stateDir) {
        if (!listener.tls().generate()) {
            return new Files(listener.tls().certificate(), listener.tls().privateKey(), listener.tls().keylogFile());
        }
        SelfSignedCertificate cert = SelfSignedCertificate.loadOrGenerate(stateDir, "listener-" + listener.name());
        return new Files(cert.certificatePath(), cert.privateKeyPath(), listener.tls().keylogFile());
    }

    /**
     * @param clientCa when not null, clients are asked for a certificate issued by this CA (mutual TLS for proxy
     *                 authentication); one without a certificate still connects and may use a token instead
     * @param earlyData whether session tickets allow 0-RTT early data (the listener must be set up for it too)
     * @param alpn      the one application protocol offered: {@code h3} or {@code hq-interop}
     */
    static QuicSslContext context(Files files, Path clientCa, boolean earlyData, String alpn) {
        QuicSslContextBuilder builder = QuicSslContextBuilder.forServer(files.privateKey().toFile(), null,
                        files.certificate().toFile())
                .applicationProtocols(alpn.equals(QuicConfig.H3) ? Http3.supportedApplicationProtocols()
                        : new String[] {alpn});
        if (clientCa != null) {
            builder.trustManager(clientCa.toFile()).clientAuth(ClientAuth.OPTIONAL);
        }
        if (earlyData) {
            builder.earlyData(true);
        }
        KeylogFile keylog = files.keylogFile() != null ? KeylogFile.forPath(files.keylogFile(), System.err)
                : KeylogFile.fromEnvironment(System.err);
        if (keylog != null) {
            builder.keylog(keylog);
        }
        return builder.build();
    }
}
