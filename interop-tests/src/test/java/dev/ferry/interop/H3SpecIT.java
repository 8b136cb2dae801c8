package dev.ferry.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.app.config.QuicConfig;
import dev.ferry.testorigin.BuiltinOrigin;
import dev.ferry.http3.tls.SelfSignedCertificate;
import dev.ferry.interop.relay.FerryRelay;
import dev.ferry.interop.support.H3Spec;
import dev.ferry.interop.support.H3SpecReport;
import dev.ferry.interop.support.WorkDirs;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.http3.DefaultHttp3DataFrame;
import io.netty.handler.codec.http3.DefaultHttp3HeadersFrame;
import io.netty.handler.codec.http3.Http3;
import io.netty.handler.codec.http3.Http3DataFrame;
import io.netty.handler.codec.http3.Http3HeadersFrame;
import io.netty.handler.codec.http3.Http3RequestStreamInboundHandler;
import io.netty.handler.codec.http3.Http3ServerConnectionHandler;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Proves Ferry's HTTP/3 conformance as far as h3spec 0.1.7 (45 cases) can see it: a relay in front of the built-in
 * origin passes every case except those in {@link #KNOWN_STACK_LIMITS}, and each of those is shown to be a limit of
 * the QUIC stack rather than of Ferry by failing in exactly the same way against a bare Netty HTTP/3 server with the
 * same QUIC settings and no Ferry code at all.
 *
 * <p>Both directions are asserted, so the list cannot go stale: a new failure must be fixed or listed with its
 * reason, and a listed case that starts to pass (a newer quiche, a Ferry change) must be taken off the list.
 */
class H3SpecIT {

  private static final String QUICHE_TP = "quiche parses transport parameters inside the TLS handshake and does"
      + " detect this one (the relay logs QUICHE_ERR_INVALID_TRANSPORT_PARAM), but as the error is in the client's"
      + " first Initial it answers with no packet at all, so no CONNECTION_CLOSE carrying TRANSPORT_PARAMETER_ERROR"
      + " reaches the client (h3spec's qlog shows nothing received); no Netty handler or Ferry code runs before it";

  /** h3spec case description -> why it fails in the QUIC stack (quiche as shipped in netty-codec-native-quic). */
  static final Map<String, String> KNOWN_STACK_LIMITS = knownStackLimits();

  /**
   * Listed cases whose outcome varies from run to run (quiche sometimes sends the CONNECTION_CLOSE with
   * FRAME_ENCODING_ERROR for a bad NEW_CONNECTION_ID before h3spec gives up, and usually not): they may pass or fail
   * on either server. The zero-length CID case was seen to vary on bare Netty; the invalid Retire Prior To case
   * passed once against Ferry in a clean CI run after failing in every earlier one, with no relay code on that path
   * (NEW_CONNECTION_ID is parsed and answered inside quiche).
   */
  static final Set<String> NONDETERMINISTIC = Set.of(
      "MUST send FRAME_ENCODING_ERROR if NEW_CONNECTION_ID with 0-byte CID is received [Transport 19.15]",
      "MUST send FRAME_ENCODING_ERROR if NEW_CONNECTION_ID with invalid Retire_Prior_To is received"
          + " [Transport 19.15]");

  private static Map<String, String> knownStackLimits() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("MUST send TRANSPORT_PARAMETER_ERROR if initial_source_connection_id is missing [Transport 7.3]",
        QUICHE_TP);
    m.put("MUST send TRANSPORT_PARAMETER_ERROR if original_destination_connection_id is received [Transport 18.2]",
        QUICHE_TP);
    m.put("MUST send TRANSPORT_PARAMETER_ERROR if preferred_address, is received [Transport 18.2]", QUICHE_TP);
    m.put("MUST send TRANSPORT_PARAMETER_ERROR if retry_source_connection_id is received [Transport 18.2]",
        QUICHE_TP);
    m.put("MUST send TRANSPORT_PARAMETER_ERROR if stateless_reset_token is received [Transport 18.2]", QUICHE_TP);
    m.put("MUST send TRANSPORT_PARAMETER_ERROR if max_udp_payload_size < 1200 [Transport 7.4 and 18.2]",
        QUICHE_TP);
    m.put("MUST send TRANSPORT_PARAMETER_ERROR if ack_delay_exponen > 20 [Transport 7.4 and 18.2]", QUICHE_TP);
    m.put("MUST send TRANSPORT_PARAMETER_ERROR if max_ack_delay >= 2^14 [Transport 7.4 and 18.2]", QUICHE_TP);
    m.put("MUST send PROTOCOL_VIOLATION if reserved bits in Handshake are non-zero [Transport 17.2]",
        "quiche does not check the reserved bits of long-header packets; packet protection is removed inside"
            + " quiche, no handler ever sees the header");
    m.put("MUST send PROTOCOL_VIOLATION if reserved bits in Short are non-zero [Transport 17.2]",
        "quiche does not check the reserved bits of short-header packets; packet protection is removed inside"
            + " quiche, no handler ever sees the header");
    m.put("MUST send FRAME_ENCODING_ERROR if NEW_CONNECTION_ID with invalid Retire_Prior_To is received"
            + " [Transport 19.15]",
        "quiche detects Retire Prior To greater than Sequence Number (the relay logs QUICHE_ERR_INVALID_FRAME) but"
            + " no CONNECTION_CLOSE with FRAME_ENCODING_ERROR reaches the client (h3spec's qlog shows none); QUIC"
            + " frames are parsed and the close is sent inside quiche, never by Netty handlers or Ferry");
    m.put("MUST send FRAME_ENCODING_ERROR if NEW_CONNECTION_ID with 0-byte CID is received [Transport 19.15]",
        "quiche does not reject a zero-length connection ID in NEW_CONNECTION_ID; QUIC frames are parsed inside"
            + " quiche and never reach Netty or Ferry");
    return Map.copyOf(m);
  }

  private static final Duration H3SPEC_TIMEOUT = Duration.ofSeconds(50);

  @Test
  void passesEveryH3specCaseExceptListedQuicStackLimitsWhichBareNettyFailsToo() throws Exception {
    Path work = WorkDirs.create("h3spec-ferry");
    Path bareWork = WorkDirs.create("h3spec-bare-netty");
    H3Spec h3spec = H3Spec.fromSystemProperty();
    List<String> args = new ArrayList<>();
    for (String description : KNOWN_STACK_LIMITS.keySet()) {
      args.add("-m");
      args.add(description);
    }

    // One run after the other: run at once on a loaded machine, one side's case could time out where the
    // other's did not, and the two failure sets then differed for no reason of either server.
    H3SpecReport ferry;
    H3SpecReport bare;
    try (BuiltinOrigin origin = BuiltinOrigin.builder().build().start();
        FerryRelay relay = FerryRelay.start(work.resolve("state"), FerryRelay.h1("builtin", origin.address()))) {
      ferry = h3spec.run(work, "127.0.0.1", relay.port(), H3SPEC_TIMEOUT);
    }
    try (BareNettyHttp3Server server = BareNettyHttp3Server.start(QuicConfig.defaults())) {
      bare = h3spec.run(bareWork, "127.0.0.1", server.port(), H3SPEC_TIMEOUT, args.toArray(String[]::new));
    }
    assertFalse(ferry.timedOut(), ferry.output());
    assertEquals(45, ferry.cases().size(), ferry.output());

    Set<String> failed = descriptions(ferry.failed());
    StringBuilder table = new StringBuilder("h3spec against Ferry: " + ferry.passed().size() + " passed, "
        + failed.size() + " failed\n");
    for (H3SpecReport.Case c : ferry.cases()) {
      table.append(c.passed() ? "  PASS " : "  FAIL ").append(c.name())
          .append(c.note().isEmpty() ? "" : "  (" + c.note() + ")")
          .append(c.passed() ? "" : "\n       reason: " + KNOWN_STACK_LIMITS.getOrDefault(c.description(), "?"))
          .append('\n');
    }
    System.out.print(table);

    Set<String> unexplained = new TreeSet<>(failed);
    unexplained.removeAll(KNOWN_STACK_LIMITS.keySet());
    assertEquals(Set.of(), unexplained, "h3spec failures not known to be QUIC stack limits:\n" + ferry.output());
    Set<String> stale = new TreeSet<>(KNOWN_STACK_LIMITS.keySet());
    stale.removeAll(failed);
    stale.removeAll(NONDETERMINISTIC);
    assertEquals(Set.of(), stale, "listed as stack limits but passing now: take them off the list");

    // The proof that each listed failure is the stack's: the same cases against Netty's HTTP/3 server alone.
    assertFalse(bare.timedOut(), bare.output());
    assertEquals(KNOWN_STACK_LIMITS.keySet(), descriptions(bare.cases()), bare.output());
    Set<String> mustFailOnBare = new TreeSet<>(KNOWN_STACK_LIMITS.keySet());
    mustFailOnBare.removeAll(NONDETERMINISTIC);
    Set<String> passingOnBare = new TreeSet<>(mustFailOnBare);
    passingOnBare.removeAll(descriptions(bare.failed()));
    assertEquals(Set.of(), passingOnBare,
        "a listed case passes on bare Netty, so Ferry is to blame for it:\n" + bare.output());
    Set<String> extraOnBare = new TreeSet<>(descriptions(bare.failed()));
    extraOnBare.removeAll(KNOWN_STACK_LIMITS.keySet());
    assertEquals(Set.of(), extraOnBare, "bare Netty fails an unlisted case:\n" + bare.output());
  }

  private static Set<String> descriptions(List<H3SpecReport.Case> cases) {
    return cases.stream().map(H3SpecReport.Case::description).collect(Collectors.toCollection(TreeSet::new));
  }

  /**
   * Netty's HTTP/3 server with the QUIC settings Ferry's listener uses and a request handler that answers 200:
   * the stack without any Ferry code.
   */
  private static final class BareNettyHttp3Server implements AutoCloseable {
    private final EventLoopGroup group;
    private final Channel channel;

    private BareNettyHttp3Server(EventLoopGroup group, Channel channel) {
      this.group = group;
      this.channel = channel;
    }

    static BareNettyHttp3Server start(QuicConfig quic) throws InterruptedException {
      SelfSignedCertificate cert = SelfSignedCertificate.generate(List.of(), List.of(), Duration.ofHours(1));
      var ssl = QuicSslContextBuilder.forServer(cert.privateKeyPath().toFile(), null,
          cert.certificatePath().toFile()).applicationProtocols(Http3.supportedApplicationProtocols()).build();
      var codec = Http3.newQuicServerCodecBuilder()
          .sslContext(ssl)
          .maxIdleTimeout(quic.maxIdleTimeout().toMillis(), TimeUnit.MILLISECONDS)
          .initialMaxData(quic.initialMaxData())
          .initialMaxStreamDataBidirectionalLocal(quic.initialMaxStreamData())
          .initialMaxStreamDataBidirectionalRemote(quic.initialMaxStreamData())
          .initialMaxStreamsBidirectional(quic.maxConcurrentStreams())
          .handler(new ChannelInitializer<QuicChannel>() {
            @Override
            protected void initChannel(QuicChannel connection) {
              connection.pipeline().addLast(new Http3ServerConnectionHandler(
                  new ChannelInitializer<QuicStreamChannel>() {
                    @Override
                    protected void initChannel(QuicStreamChannel stream) {
                      stream.pipeline().addLast(new OkHandler());
                    }
                  }));
            }
          })
          .build();
      EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
      try {
        Channel channel = new Bootstrap().group(group).channel(NioDatagramChannel.class).handler(codec)
            .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        return new BareNettyHttp3Server(group, channel);
      } catch (InterruptedException | RuntimeException e) {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        throw e;
      }
    }

    int port() {
      return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
      channel.close().syncUninterruptibly();
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  /** Answers every request with 200 "ok" once its request side has ended. */
  private static final class OkHandler extends Http3RequestStreamInboundHandler {
    @Override
    protected void channelRead(ChannelHandlerContext ctx, Http3HeadersFrame frame) {
      ReferenceCountUtil.release(frame);
    }

    @Override
    protected void channelRead(ChannelHandlerContext ctx, Http3DataFrame frame) {
      frame.release();
    }

    @Override
    protected void channelInputClosed(ChannelHandlerContext ctx) {
      DefaultHttp3HeadersFrame head = new DefaultHttp3HeadersFrame();
      head.headers().status("200");
      ctx.write(head);
      ctx.writeAndFlush(new DefaultHttp3DataFrame(Unpooled.copiedBuffer("ok\n", StandardCharsets.US_ASCII)))
          .addListener(QuicStreamChannel.SHUTDOWN_OUTPUT);
    }
  }
}
