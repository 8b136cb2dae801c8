package dev.ferry.app.interop;

import dev.ferry.app.config.AccessLogConfig;
import dev.ferry.app.config.AddressValidationConfig;
import dev.ferry.app.config.FerryConfig;
import dev.ferry.app.config.HeadersConfig;
import dev.ferry.app.config.ListenerConfig;
import dev.ferry.app.config.OriginConfig;
import dev.ferry.app.config.QuicConfig;
import dev.ferry.app.config.RouteConfig;
import dev.ferry.app.config.TcpConfig;
import dev.ferry.app.config.TlsFilesConfig;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The relay configuration of Ferry's interop server for one case: one listener on the runner's port (all addresses,
 * IPv4 and IPv6), the runner's certificate, a {@code files} origin on {@code /www} behind the exchange driver, and
 * the transport choices the case asks for: {@code hq-interop} or {@code h3}, Retry for every new client in
 * {@code retry}, early data in {@code zerortt}.
 */
public final class InteropServerConfig {
    private static final String ORIGIN = "www";

    private InteropServerConfig() {
    }

    public static FerryConfig of(InteropCase testCase, InteropEnvironment env, Path stateDir) {
        QuicConfig quic = QuicConfig.defaults().withApplicationProtocol(
                testCase.protocol() == InteropCase.Protocol.H3 ? QuicConfig.H3 : QuicConfig.HQ_INTEROP);
        if (testCase.server() == InteropCase.Server.RETRY) {
            quic = quic.withAddressValidation(new AddressValidationConfig("always",
                    AddressValidationConfig.defaults().autoAbove(), Duration.ofSeconds(30)));
        }
        if (testCase.server() == InteropCase.Server.EARLY_DATA) {
            quic = quic.withEarlyData(true);
        }
        if (env.qlogDir() != null) {
            quic = quic.withQlogDir(env.qlogDir());
        }
        ListenerConfig listener = new ListenerConfig("interop", anyAddress(env.port()),
                new TlsFilesConfig(env.certificate(), env.privateKey()), quic, TcpConfig.disabled());
        return new FerryConfig(FerryConfig.DEFAULT_PROXY_NAME, stateDir, 0, List.of(listener),
                List.of(RouteConfig.catchAll(ORIGIN)), Map.of(ORIGIN, OriginConfig.files(ORIGIN, env.www())),
                HeadersConfig.defaults(), AccessLogConfig.defaults());
    }

    /** {@code [::]:port}: IPv6 and, through mapped addresses, IPv4 (the runner's {@code ipv6} case uses both). */
    private static InetSocketAddress anyAddress(int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName("::"), port);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
