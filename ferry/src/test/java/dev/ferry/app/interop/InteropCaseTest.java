package dev.ferry.app.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.app.config.FerryConfig;
import dev.ferry.app.config.OriginProtocol;
import dev.ferry.app.config.QuicConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InteropCaseTest {

    @Test
    void namesAreTheRunnersAndUnknownOnesAreNotCases() {
        assertEquals(InteropCase.REBIND_PORT, InteropCase.named("rebind-port").orElseThrow());
        assertEquals("rebind-port", InteropCase.REBIND_PORT.runnerName());
        assertEquals(InteropCase.HTTP3, InteropCase.named(" http3 ").orElseThrow());
        assertTrue(InteropCase.named("").isEmpty());
        assertTrue(InteropCase.named(null).isEmpty());
        assertTrue(InteropCase.named("no-such-case").isEmpty());
    }

    @Test
    void everyUnsupportedCaseSaysWhy() {
        for (InteropCase c : InteropCase.values()) {
            if (c.server() == InteropCase.Server.UNSUPPORTED) {
                assertNotNull(c.serverUnsupportedReason(), c.runnerName());
                assertTrue(c.serverUnsupportedReason().length() > 20, c.runnerName());
            } else {
                assertNull(c.serverUnsupportedReason(), c.runnerName());
            }
            if (c.client() == InteropCase.Client.UNSUPPORTED) {
                assertTrue(c.clientUnsupportedReason().length() > 20, c.runnerName());
            }
        }
    }

    @Test
    void theServerConfigurationFollowsTheCase() {
        InteropEnvironment env = InteropEnvironment.of(Map.of("ROLE", "server", "WWW", "/srv/www", "CERTS",
                "/srv/certs", "PORT", "4443"));
        FerryConfig transfer = InteropServerConfig.of(InteropCase.TRANSFER, env, Path.of("/tmp/state"));
        QuicConfig quic = transfer.listeners().get(0).quic();
        assertEquals(QuicConfig.HQ_INTEROP, quic.applicationProtocol());
        assertEquals("off", quic.addressValidation().mode());
        assertEquals(4443, transfer.listeners().get(0).address().getPort());
        assertTrue(transfer.listeners().get(0).address().getAddress().isAnyLocalAddress());
        assertEquals(Path.of("/srv/certs/cert.pem"), transfer.listeners().get(0).tls().certificate());
        assertEquals(OriginProtocol.FILES, transfer.origins().get("www").protocol());
        assertEquals(Path.of("/srv/www"), transfer.origins().get("www").root());

        assertEquals(QuicConfig.H3, InteropServerConfig.of(InteropCase.HTTP3, env, Path.of("/tmp/s")).listeners()
                .get(0).quic().applicationProtocol());
        assertEquals("always", InteropServerConfig.of(InteropCase.RETRY, env, Path.of("/tmp/s")).listeners().get(0)
                .quic().addressValidation().mode());
        assertTrue(InteropServerConfig.of(InteropCase.ZERORTT, env, Path.of("/tmp/s")).listeners().get(0).quic()
                .earlyData());
    }

    @Test
    void theEnvironmentDefaultsToTheRunnersPaths() {
        InteropEnvironment env = InteropEnvironment.of(Map.of("ROLE", "client", "TESTCASE", "transfer",
                "REQUESTS", " https://s/a  https://s/b "));
        assertEquals(List.of("https://s/a", "https://s/b"), env.requests());
        assertEquals(Path.of("/downloads"), env.downloads());
        assertEquals(Path.of("/www"), env.www());
        assertEquals(443, env.port());
    }
}
