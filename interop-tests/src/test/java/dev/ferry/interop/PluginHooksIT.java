package dev.ferry.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.interop.raw.RawHttp3Client;
import dev.ferry.interop.raw.RawHttp3Connection;
import dev.ferry.interop.raw.RawOutcome;
import dev.ferry.interop.raw.RawRequest;
import dev.ferry.interop.support.FerryServeProcess;
import dev.ferry.interop.support.FreePorts;
import dev.ferry.interop.support.GtlsClient;
import dev.ferry.interop.support.WorkDirs;
import dev.ferry.testorigin.BuiltinOrigin;
import dev.ferry.testorigin.RecordedRequest;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The example plugins (docs/examples, built into ferry-examples.jar) loaded into {@code ferry serve} through the
 * configuration alone: the jar is copied into a plugin directory and the relay runs as its own JVM whose class path
 * does not hold it, so the hooks can only come from {@code plugin-path}. Through that relay:
 * <ul>
 *   <li>the firewall refuses {@code /admin} under every spelling an origin reads as {@code /admin} (403,
 *   {@code http_request_denied}), and the origin never sees one of them;</li>
 *   <li>the signing hook, placed after {@code forwarding} by the configuration, signs the request the origin
 *   receives, its Forwarded field included: the origin's check of the signature succeeds. A second relay that
 *   leaves {@code forwarding} in its default place (last) signs before Forwarded is rewritten, and the same check
 *   fails: the order written in the file is the order that runs;</li>
 *   <li>a route's own firewall (on /headers) applies to that route only.</li>
 * </ul>
 */
class PluginHooksIT {
  private static final String SECRET = "it-secret-0123456789abcdef012345";
  private static final Pattern SIGNATURE = Pattern.compile("keyid=it-1, t=(\\d+), sig=([A-Za-z0-9_-]+)");
  private static Path work;
  private static BuiltinOrigin origin;
  private static FerryServeProcess ordered;
  private static FerryServeProcess defaultOrder;
  private static RawHttp3Client client;

  @BeforeAll
  static void start() throws Exception {
    work = WorkDirs.create("plugin-hooks");
    Path plugins = Files.createDirectories(work.resolve("plugins"));
    Path examples = Path.of(System.getProperty("ferry.examples.jar"));
    assertTrue(Files.isRegularFile(examples), "build docs/examples first: " + examples);
    Files.copy(examples, plugins.resolve("ferry-examples.jar"));
    origin = BuiltinOrigin.builder().address(new InetSocketAddress("127.0.0.1", 0)).build().start();
    ordered = serve("ordered", plugins, "{name: forwarding}, " + SIGNING);
    defaultOrder = serve("default-order", plugins, SIGNING);
    client = new RawHttp3Client();
  }

  private static final String SIGNING = "{name: header-signing, config: {key-id: it-1, secret-env: FERRY_IT_SECRET,"
      + " fields: [forwarded]}}";

  /** The relay's class path: the test JVM's, without the test classes and without the examples jar. */
  private static String relayClassPath() {
    return FerryServeProcess.classPathWithout(entry -> entry.contains("ferry-examples")
        || entry.contains("docs/examples") || entry.endsWith("test-classes"));
  }

  /** A relay whose global chain is the firewall, then {@code chainAfterFirewall} (YAML flow items). */
  private static FerryServeProcess serve(String name, Path plugins, String chainAfterFirewall) throws Exception {
    int port = FreePorts.udp();
    String yaml = """
        state-dir: %s
        listeners: [{name: main, address: 127.0.0.1:%d}]
        origins: {app: {protocol: h1, endpoints: [127.0.0.1:%d]}}
        access-log: {enabled: false}
        plugin-path: %s
        hooks: [{name: http-firewall, config: {deny-paths: [/admin]}}, %s]
        routes:
          - path-prefix: /headers
            origin: app
            hooks: [{name: http-firewall, config: {deny-user-agents: [badbot]}}]
          - origin: app
        """.formatted(work.resolve("state"), port, origin.port(), plugins, chainAfterFirewall);
    Path file = work.resolve(name + ".yaml");
    Files.writeString(file, yaml);
    return FerryServeProcess.serve(work.resolve(name), relayClassPath(), Map.of("FERRY_IT_SECRET", SECRET), port,
        "--config", file.toString());
  }

  @AfterAll
  static void stop() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {client, ordered, defaultOrder, origin}) {
      if (c != null) {
        c.close();
      }
    }
  }

  private static RawOutcome send(FerryServeProcess relay, String path, String userAgent) throws Exception {
    try (RawHttp3Connection connection = client.connect(new InetSocketAddress("127.0.0.1", relay.port()))) {
      RawRequest.Builder request = RawRequest.standard("GET", connection.authority(), path)
          .field("x-ferry-signature", "keyid=it-1, t=1, sig=forged");
      if (userAgent != null) {
        request.field("user-agent", userAgent);
      }
      return connection.send(request.build()).get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void withoutThePluginPathTheHooksAreUnknownSoTheyCanOnlyComeFromIt() throws Exception {
    Path file = work.resolve("no-plugin-path.yaml");
    Files.writeString(file, Files.readString(work.resolve("ordered.yaml")).replaceAll("plugin-path: .*\\n", ""));
    FerryServeProcess check = FerryServeProcess.run(work.resolve("check"), relayClassPath(), "check",
        file.toString());
    assertEquals(2, check.exitCode(), check.stderrText());
    assertTrue(check.stderrText().contains("hooks[0].name: http-firewall (expected: one of proxy-auth, forwarding,"
        + " access-log, header-rewrite, rate-limit, redirect, request-rules, static-response)"), check.stderrText());
  }

  @Test
  void theFirewallRefusesAdminUnderEverySpellingAndTheOriginSeesNone() throws Exception {
    int before = origin.requests().size();
    for (String path : List.of("/admin", "/%61dmin", "//admin", "/x/../admin", "/%2e%2e/admin", "/ADMIN/users",
        "/admin?x=1")) {
      RawOutcome outcome = send(ordered, path, null);
      assertEquals(403, outcome.status(), path + ": " + outcome);
      assertTrue(String.valueOf(outcome.header("proxy-status")).contains("error=http_request_denied"),
          path + ": " + outcome);
    }
    assertEquals(before, origin.requests().size(), () -> "the origin saw " + origin.requests());
    // Only whole segments are refused: /administrator reaches the origin (which has no such page).
    assertEquals(404, send(ordered, "/administrator", null).status());
    assertEquals("/administrator", origin.requests().get(origin.requests().size() - 1).target());
  }

  @Test
  void anIndependentClientIsRefusedAndServedByThePluginRelay() throws Exception {
    Path dir = Files.createDirectories(work.resolve("gtlsclient"));
    GtlsClient.Result result = GtlsClient.connect("127.0.0.1", ordered.port())
        .fetch(dir, ordered.url("/%61dmin/panel"), ordered.url("/bytes/1000"));
    assertEquals(403, result.status(0).orElse(-1), result.stderr());
    assertEquals(200, result.status(1).orElse(-1), result.stderr());
  }

  @Test
  void theSigningHookOrderedAfterForwardingSignsWhatTheOriginReceives() throws Exception {
    RecordedRequest seen = sentThrough(ordered, "/bytes/10?signed=after");
    assertTrue(verifies(seen), () -> "signature does not verify at the origin: " + seen);
  }

  @Test
  void leftInItsDefaultPlaceForwardingRewritesTheSignedFieldAndTheSignatureFails() throws Exception {
    RecordedRequest seen = sentThrough(defaultOrder, "/bytes/10?signed=before");
    assertTrue(seen.header("x-ferry-signature").isPresent(), seen::toString);
    assertTrue(!verifies(seen), () -> "the signature covered a Forwarded value the origin did not receive: " + seen);
  }

  @Test
  void aRoutesOwnFirewallAppliesToThatRouteOnly() throws Exception {
    assertEquals(403, send(ordered, "/headers", "Mozilla/5.0 BadBot/1").status());
    assertEquals(200, send(ordered, "/headers", "curl/8").status());
    assertEquals(200, send(ordered, "/bytes/10", "Mozilla/5.0 BadBot/1").status());
  }

  private static RecordedRequest sentThrough(FerryServeProcess relay, String path) throws Exception {
    RawOutcome outcome = send(relay, path, null);
    assertEquals(200, outcome.status(), outcome::toString);
    return origin.requests().stream().filter(r -> r.target().equals(path)).reduce((a, b) -> b).orElseThrow();
  }

  /** The origin's check: rebuild the signing string from what it received and compare the HMAC. */
  private static boolean verifies(RecordedRequest seen) throws Exception {
    List<String> signatures = seen.headerValues("x-ferry-signature");
    assertEquals(1, signatures.size(), () -> "the client's forged copy must be gone: " + signatures);
    Matcher m = SIGNATURE.matcher(signatures.get(0));
    assertTrue(m.matches(), signatures.get(0));
    String forwarded = String.join(", ", seen.headerValues("forwarded"));
    assertNotEquals("", forwarded, "the relay writes Forwarded");
    String signed = seen.method() + "\n" + seen.header("host").orElseThrow() + "\n" + seen.target() + "\n"
        + m.group(1) + "\nforwarded: " + forwarded;
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    String expected = Base64.getUrlEncoder().withoutPadding()
        .encodeToString(mac.doFinal(signed.getBytes(StandardCharsets.UTF_8)));
    return expected.equals(m.group(2));
  }
}
