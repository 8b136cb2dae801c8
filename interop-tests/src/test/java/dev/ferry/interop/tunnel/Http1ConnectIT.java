package dev.ferry.interop.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.interop.relay.FerryRelay;
import dev.ferry.interop.support.Hashes;
import dev.ferry.interop.support.ProcessRunner;
import dev.ferry.interop.support.WorkDirs;
import dev.ferry.testorigin.BuiltinOrigin;
import dev.ferry.testorigin.PatternBytes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Classic CONNECT over HTTP/1.1 on the relay's TCP listener, driven by curl as an HTTPS-proxy client
 * ({@code --proxy https://... -p}): curl opens TLS to the relay, sends {@code CONNECT host:port HTTP/1.1}, and
 * fetches 10 MiB from the built-in origin through the tunnel, hash-equal; a target outside the egress policy is
 * refused with 403 and curl reports the proxy's refusal.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class Http1ConnectIT {

  @Test
  void curlTunnelsThroughTheRelayWithHttp1Connect() throws Exception {
    Path work = WorkDirs.create("h1-connect");
    int size = 10 << 20;
    try (BuiltinOrigin origin = BuiltinOrigin.builder().build().start();
         FerryRelay relay = TunnelRelays.start(work.resolve("state"),
             TunnelRelays.tunnels(TunnelRelays.allowing("127.0.0.0/8"), TunnelRelays.open(), Map.of()))) {
      String proxy = "https://127.0.0.1:" + relay.port();
      Path body = work.resolve("body.bin");
      ProcessRunner.Result curl = ProcessRunner.run(List.of("curl", "-sS", "--proxy", proxy, "--proxy-insecure",
          "--proxytunnel", "--max-time", "30", "-o", body.toString(), "-w", "%{http_code} %{http_connect}",
          "http://127.0.0.1:" + origin.address().getPort() + "/bytes/" + size), work, "curl-connect",
          Duration.ofSeconds(45));
      assertEquals(0, curl.exitCode(), curl.stderrText());
      assertEquals("200 200", curl.stdoutText().trim(), "origin status and the CONNECT answer");
      assertEquals(Hashes.sha256(PatternBytes.bytes(0, size)), Hashes.sha256(body));

      ProcessRunner.Result refused = ProcessRunner.run(List.of("curl", "-sS", "--proxy", proxy, "--proxy-insecure",
          "--proxytunnel", "--max-time", "10", "-o", "/dev/null", "-w", "%{http_connect}",
          "http://10.1.2.3:8080/"), work, "curl-refused", Duration.ofSeconds(20));
      assertEquals("403", refused.stdoutText().trim(), refused.stderrText());
      assertTrue(Files.readString(refused.stderr()).contains("403"), refused.stderrText());
    }
  }
}
