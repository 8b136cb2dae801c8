package dev.ferry.interop.runner;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.xml.parsers.SAXParserFactory;
import org.xml.sax.Attributes;
import org.xml.sax.SAXException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * Reads a pcap into a {@link Trace} with Debian's tshark 4.0:
 * {@code tshark -n -r PCAP [-o tls.keylog_file:KEYLOG] -d udp.port==PORT,quic --disable-protocol http3
 * -Y "udp.port==PORT && quic && !icmp" -T pdml}, the same decode-as, key log and disabled HTTP/3 dissector the
 * runner gives pyshark. PDML, streamed through the JDK's SAX parser, rather than {@code -T fields}: a datagram can
 * hold several coalesced QUIC packets (Initial + Handshake + 1-RTT), and {@code -T fields -E occurrence=a} joins
 * each field's occurrences separately, so a short header's missing {@code quic.scid} or {@code quic.long.packet_type}
 * shifts the columns; PDML keeps one {@code <proto name="quic">} per QUIC packet, with the TLS messages its CRYPTO
 * frames carry nested inside. Per QUIC packet it reads {@code quic.header_form}, {@code quic.long.packet_type}
 * ({@code _v2} for QUIC v2), {@code quic.version}, {@code quic.scid}, {@code quic.dcid}, {@code quic.token},
 * {@code quic.retry_token}, {@code quic.packet_number}, the sizes of {@code quic.payload},
 * {@code quic.protected_payload} and {@code quic.remaining_payload}, {@code quic.key_phase},
 * {@code quic.decryption_failed}, {@code quic.crypto.offset}/{@code length}, {@code tls.handshake.type},
 * {@code tls.handshake.ciphersuite} (every one in a ClientHello, shown as {@code 0x1303}; the ServerHello's is
 * not an offer) and {@code tls.quic.parameter.initial_max_streams_bidi}; per datagram {@code udp.srcport},
 * {@code udp.dstport} and {@code udp.length}.
 *
 * <p>What tshark 4.0.17 cannot read, found on ngtcp2 captures: without a key log, no {@code quic.key_phase} (it sits
 * under header protection) and no TLS message after the ClientHello/ServerHello (Handshake and 0-RTT packets stay
 * {@code quic.remaining_payload} with {@code quic.decryption_failed}), so Certificate, transport-parameter and
 * key-phase checks need the key log, as in the runner (which reports them UNSUPPORTED). It prints a set key phase
 * as {@code 1} in PDML (other 4.0 builds gave pyshark {@code True}); both are read. With the key log it decrypted
 * every packet, key updates included, once the capture was right (below).
 *
 * <p>Capture artifact: ngtcp2 sends with UDP GSO, and tcpdump on {@code lo} or a veth sees the kernel's
 * unsegmented buffer, one "datagram" of up to 64 KB holding many 1-RTT packets. tshark reads it as one packet whose
 * payload runs to the end and fails to decrypt it; packet counts, 1-RTT bytes and the amplification walk's
 * datagram sizes are then wrong. Capture on an interface with {@code ip link set DEV gso_max_segs 1} (the kernel
 * then cuts before the tap); {@link Trace#oversizedDatagrams()} counts what slipped through.
 */
public final class TraceReader {

  private TraceReader() {}

  /** QUIC packet types as the runner's {@code PacketType} names them. */
  enum Type { INITIAL, ZERO_RTT, HANDSHAKE, RETRY, ONE_RTT, VERSION_NEGOTIATION, UNKNOWN }

  /**
   * One QUIC packet; connection IDs and tokens in lower-case hex, sizes in bytes, -1 or null when absent.
   *
   * @param cryptoAtZero whether a CRYPTO frame in it starts at offset 0 (in a client Initial: a ClientHello's
   *     first bytes, whether or not tshark dissected them as TLS)
   * @param offeredCipherSuites the cipher suites of a ClientHello dissected in it, as {@code 0x1303}
   */
  record QuicPacket(Type type, String version, String scid, String dcid, String token, String retryToken,
      long packetNumber, long payload, long protectedPayload, long remainingPayload, Integer keyPhase,
      boolean decryptionFailed, boolean certificate, long cryptoEnd, long maxStreamsBidi, boolean cryptoAtZero,
      List<String> offeredCipherSuites) {

    QuicPacket {
      offeredCipherSuites = List.copyOf(offeredCipherSuites);
    }

    boolean decrypted() {
      return !decryptionFailed && (payload >= 0 || protectedPayload >= 0);
    }
  }

  /** One UDP datagram to or from the server. */
  record Datagram(boolean fromServer, int udpPayload, List<QuicPacket> packets) {}

  /**
   * Reads {@code pcap}, the server being whatever listens on UDP {@code serverPort}.
   *
   * @param keyLog an NSS key log (SSLKEYLOGFILE) of either endpoint, or both joined; ignored when null, missing
   *     or empty
   */
  public static Trace read(Path pcap, Path keyLog, int serverPort) throws IOException {
    boolean keys = keyLog != null && Files.isRegularFile(keyLog) && Files.size(keyLog) > 0;
    List<String> command = new ArrayList<>(List.of("tshark", "-n", "-r", pcap.toString()));
    if (keys) {
      command.addAll(List.of("-o", "tls.keylog_file:" + keyLog));
    }
    command.addAll(List.of("-d", "udp.port==" + serverPort + ",quic", "--disable-protocol", "http3",
        "-Y", "udp.port==" + serverPort + " && quic && !icmp", "-T", "pdml"));
    Path log = Path.of(pcap + ".tshark.log");
    Process tshark = new ProcessBuilder(command).redirectError(log.toFile()).start();
    List<Datagram> datagrams;
    try (InputStream pdml = tshark.getInputStream()) {
      datagrams = parse(pdml, serverPort);
    } catch (IOException | RuntimeException e) {
      tshark.destroyForcibly();
      throw new IOException("cannot read tshark's PDML for " + pcap + ": " + e + "; " + Files.readString(log), e);
    }
    try {
      if (!tshark.waitFor(60, TimeUnit.SECONDS) || tshark.exitValue() != 0) {
        tshark.destroyForcibly();
        throw new IOException(String.join(" ", command) + " failed: " + Files.readString(log));
      }
    } catch (InterruptedException e) {
      tshark.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while reading " + pcap, e);
    }
    return summarize(datagrams, keys);
  }

  /** The datagrams in tshark's PDML, in capture order. */
  static List<Datagram> parse(InputStream pdml, int serverPort) throws IOException {
    PdmlHandler handler = new PdmlHandler(serverPort);
    try {
      SAXParserFactory factory = SAXParserFactory.newInstance();
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      factory.newSAXParser().parse(pdml, handler);
    } catch (SAXException | javax.xml.parsers.ParserConfigurationException e) {
      throw new IOException("bad PDML: " + e.getMessage(), e);
    }
    return handler.datagrams;
  }

  /** Turns the datagrams into the counts and sets the runner's checks use. */
  static Trace summarize(List<Datagram> datagrams, boolean keyLog) {
    Set<String> versions = new LinkedHashSet<>();
    Set<String> serverInitialVersions = new LinkedHashSet<>();
    Counter client = new Counter();
    Counter server = new Counter();
    Map<String, boolean[]> handshakes = new LinkedHashMap<>(); // server SCID -> {decrypted, certificate}
    Map<String, Set<String>> retryTokens = new HashMap<>(); // client SCID -> tokens of Retries sent to it
    Map<String, Long> highestBeforeRetry = new HashMap<>();
    int initialsAfter = 0;
    int withToken = 0;
    int clientHellos = 0;
    Set<String> offeredCipherSuites = new LinkedHashSet<>();
    boolean reset = false;
    long cryptoBytes = 0;
    long maxStreamsBidi = -1;
    int undecryptable = 0;
    int oversized = 0;
    for (Datagram datagram : datagrams) {
      oversized += datagram.udpPayload() > Trace.MAX_WIRE_UDP_PAYLOAD ? 1 : 0;
      for (QuicPacket p : datagram.packets()) {
        (datagram.fromServer() ? server : client).add(p);
        undecryptable += p.decryptionFailed() ? 1 : 0;
        if (p.version() != null && p.type() != Type.VERSION_NEGOTIATION) {
          versions.add(p.version());
        }
        if (datagram.fromServer()) {
          if (p.type() == Type.INITIAL) {
            serverInitialVersions.add(p.version());
          }
          if (p.type() == Type.INITIAL || p.type() == Type.HANDSHAKE) {
            boolean[] handshake = handshakes.computeIfAbsent(p.scid(), cid -> new boolean[2]);
            handshake[0] |= p.type() == Type.HANDSHAKE && p.decrypted();
            handshake[1] |= p.certificate();
          }
          if (p.type() == Type.HANDSHAKE) {
            cryptoBytes = Math.max(cryptoBytes, p.cryptoEnd());
          }
          maxStreamsBidi = Math.max(maxStreamsBidi, p.maxStreamsBidi());
          if (p.type() == Type.RETRY) {
            retryTokens.computeIfAbsent(p.dcid(), cid -> new HashSet<>()).add(p.retryToken());
          }
        } else if (p.type() == Type.INITIAL) {
          clientHellos += p.cryptoAtZero() ? 1 : 0;
          p.offeredCipherSuites().stream().filter(suite -> !grease(suite)).forEach(offeredCipherSuites::add);
          Set<String> tokens = retryTokens.get(p.scid());
          if (tokens == null) {
            highestBeforeRetry.merge(p.scid(), p.packetNumber(), Math::max);
          } else {
            initialsAfter++;
            if (tokens.contains(p.token())) {
              withToken++;
              reset |= p.packetNumber() <= highestBeforeRetry.getOrDefault(p.scid(), -1L);
            }
          }
        }
      }
    }
    List<Trace.Handshake> list = new ArrayList<>();
    handshakes.forEach((cid, flags) -> list.add(new Trace.Handshake(cid, flags[0], flags[1])));
    return new Trace(List.copyOf(versions), List.copyOf(serverInitialVersions), client.packets(),
        server.packets(), list, new Trace.Retry(initialsAfter, withToken, reset),
        new Trace.ClientHellos(clientHellos, List.copyOf(offeredCipherSuites)), cryptoBytes, maxStreamsBidi,
        amplification(datagrams), keyLog, undecryptable, oversized);
  }

  /**
   * Whether {@code suite} is a GREASE value (RFC 8701: {@code 0x?a?a} with both bytes equal), which a client adds
   * to keep servers tolerant of unknown suites, not to use it.
   */
  static boolean grease(String suite) {
    long value = parse(suite);
    return value >= 0 && value <= 0xffff && (value & 0x0f0f) == 0x0a0a && value >> 8 == (value & 0xff);
  }

  /**
   * The runner's walk in {@code TestCaseAmplificationLimit.check}, by datagram and the type of its first QUIC
   * packet, UDP payload sizes (its {@code udp.length - 8}). One difference: a client datagram that carries a
   * Handshake packet anywhere validates the address (RFC 9000 8.1), not only one led by it. The runner reads the
   * first packet's type alone, so a client that coalesces its Initial ACK with its first Handshake packet (quiche
   * does) would have the server's next flight counted against the limit although the address was validated.
   */
  static Trace.Amplification amplification(List<Datagram> datagrams) {
    Set<String> serverCids = new HashSet<>();
    for (Datagram d : datagrams) {
      for (QuicPacket p : d.packets()) {
        if (d.fromServer() && p.type() == Type.INITIAL && p.scid().length() >= 16) {
          serverCids.add(p.scid());
        }
      }
    }
    long allowed = 0;
    long tolerated = 0;
    long clientBytes = 0;
    long serverBytes = 0;
    for (Datagram d : datagrams) {
      QuicPacket first = d.packets().get(0);
      if (first.type() == Type.VERSION_NEGOTIATION || first.type() == Type.UNKNOWN) {
        return new Trace.Amplification(Trace.Amplification.Outcome.UNEXPECTED_PACKET, clientBytes, serverBytes);
      }
      if (!d.fromServer()) {
        if (d.packets().stream().anyMatch(p -> p.type() == Type.HANDSHAKE)
            || first.type() == Type.INITIAL && serverCids.contains(first.dcid())) {
          return new Trace.Amplification(Trace.Amplification.Outcome.VALIDATED, clientBytes, serverBytes);
        }
        if (first.type() == Type.INITIAL) {
          clientBytes += d.udpPayload();
          allowed += 3L * d.udpPayload();
          tolerated += 4L * d.udpPayload();
        }
      } else {
        serverBytes += d.udpPayload();
        if (d.udpPayload() >= tolerated) {
          return new Trace.Amplification(Trace.Amplification.Outcome.EXCEEDED, clientBytes, serverBytes);
        }
        allowed -= d.udpPayload();
        tolerated -= d.udpPayload();
      }
    }
    return new Trace.Amplification(Trace.Amplification.Outcome.NOT_VALIDATED, clientBytes, serverBytes);
  }

  /** Packet counts of one direction, with the runner's payload-size rules of {@code _payload_size}. */
  private static final class Counter {
    final int[] byType = new int[Type.values().length];
    long zeroRttBytes;
    long oneRttBytes;
    int keyPhase0;
    int keyPhase1;

    void add(QuicPacket p) {
      byType[p.type().ordinal()]++;
      if (p.type() == Type.ZERO_RTT) {
        zeroRttBytes += Math.max(0, p.payload() >= 0 ? p.payload() : p.remainingPayload());
      } else if (p.type() == Type.ONE_RTT) {
        oneRttBytes += Math.max(0, p.protectedPayload());
        if (p.keyPhase() != null) {
          keyPhase0 += p.keyPhase() == 0 ? 1 : 0;
          keyPhase1 += p.keyPhase() == 1 ? 1 : 0;
        }
      }
    }

    Trace.Packets packets() {
      return new Trace.Packets(byType[Type.INITIAL.ordinal()], byType[Type.ZERO_RTT.ordinal()],
          byType[Type.HANDSHAKE.ordinal()], byType[Type.RETRY.ordinal()], byType[Type.ONE_RTT.ordinal()],
          byType[Type.VERSION_NEGOTIATION.ordinal()], zeroRttBytes, oneRttBytes, keyPhase0, keyPhase1);
    }
  }

  /** Collects the fields named in the class comment, one {@link QuicPacket} per {@code <proto name="quic">}. */
  private static final class PdmlHandler extends DefaultHandler {
    private final int serverPort;
    final List<Datagram> datagrams = new ArrayList<>();
    private final Map<String, String> udp = new HashMap<>();
    private final List<QuicPacket> packets = new ArrayList<>();
    /** The current QUIC packet's fields: first value by name; sizes under "size:NAME". */
    private Map<String, String> quic;
    private int depth;
    private int quicDepth;
    private boolean certificate;
    private long cryptoOffset;
    private long cryptoEnd;
    private long maxStreamsBidi;
    private boolean cryptoAtZero;
    /** Whether the TLS message being read is a ClientHello: only its cipher suites are offers. */
    private boolean inClientHello;
    private final List<String> offeredCipherSuites = new ArrayList<>();

    PdmlHandler(int serverPort) {
      this.serverPort = serverPort;
    }

    @Override
    public void startElement(String uri, String localName, String qName, Attributes attributes) {
      depth++;
      String name = attributes.getValue("name");
      if (qName.equals("packet")) {
        udp.clear();
        packets.clear();
      } else if (qName.equals("proto") && "quic".equals(name) && quic == null) {
        quic = new HashMap<>();
        quicDepth = depth;
        certificate = false;
        cryptoEnd = -1;
        maxStreamsBidi = -1;
        cryptoAtZero = false;
        inClientHello = false;
        offeredCipherSuites.clear();
      } else if (qName.equals("field") && name != null && !name.isEmpty()) {
        String show = attributes.getValue("show");
        if (quic == null) {
          if (name.startsWith("udp.")) {
            udp.putIfAbsent(name, show);
          }
          return;
        }
        quic.putIfAbsent(name, name.equals("quic.scid") || name.equals("quic.dcid") || name.endsWith("token")
            ? attributes.getValue("value") : show);
        quic.putIfAbsent("size:" + name, attributes.getValue("size"));
        switch (name) {
          case "tls.handshake.type" -> {
            certificate |= "11".equals(show);
            inClientHello = "1".equals(show);
          }
          case "tls.handshake.ciphersuite" -> {
            if (inClientHello) {
              offeredCipherSuites.add(cipherSuite(show));
            }
          }
          case "quic.crypto.offset" -> {
            cryptoOffset = parse(show);
            cryptoAtZero |= cryptoOffset == 0;
          }
          case "quic.crypto.length" -> cryptoEnd = Math.max(cryptoEnd, cryptoOffset + parse(show));
          case "tls.quic.parameter.initial_max_streams_bidi" ->
              maxStreamsBidi = Math.max(maxStreamsBidi, parse(show));
          default -> { }
        }
      }
    }

    @Override
    public void endElement(String uri, String localName, String qName) {
      if (quic != null && depth == quicDepth && qName.equals("proto")) {
        packets.add(packet());
        quic = null;
      } else if (qName.equals("packet") && !packets.isEmpty()) {
        long src = parse(udp.get("udp.srcport"));
        long dst = parse(udp.get("udp.dstport"));
        if (src == serverPort || dst == serverPort) {
          datagrams.add(new Datagram(src == serverPort, (int) parse(udp.get("udp.length")) - 8,
              List.copyOf(packets)));
        }
      }
      depth--;
    }

    private QuicPacket packet() {
      String version = quic.get("quic.version");
      String keyPhase = quic.get("quic.key_phase");
      return new QuicPacket(type(version), version, hex("quic.scid"), hex("quic.dcid"), hex("quic.token"),
          hex("quic.retry_token"), parse(quic.get("quic.packet_number")), size("quic.payload"),
          size("quic.protected_payload"), size("quic.remaining_payload"),
          keyPhase == null ? null : keyPhase.equals("1") || keyPhase.equalsIgnoreCase("true") ? 1 : 0,
          quic.containsKey("quic.decryption_failed"), certificate, cryptoEnd, maxStreamsBidi, cryptoAtZero,
          offeredCipherSuites);
    }

    /** {@code 0x1303} whether tshark shows the suite in hexadecimal or decimal ({@code 4867}). */
    private static String cipherSuite(String show) {
      long value = parse(show);
      return value < 0 ? show : String.format(java.util.Locale.ROOT, "0x%04x", value);
    }

    private Type type(String version) {
      if ("0".equals(quic.get("quic.header_form"))) {
        return Type.ONE_RTT;
      }
      if (version == null) {
        return Type.UNKNOWN;
      }
      if (parse(version) == 0) {
        return Type.VERSION_NEGOTIATION;
      }
      String v2 = quic.get("quic.long.packet_type_v2");
      if (v2 != null) { // QUIC v2 (RFC 9369) numbers the long header types differently
        return switch (v2) {
          case "0" -> Type.RETRY;
          case "1" -> Type.INITIAL;
          case "2" -> Type.ZERO_RTT;
          case "3" -> Type.HANDSHAKE;
          default -> Type.UNKNOWN;
        };
      }
      String v1 = quic.get("quic.long.packet_type");
      return v1 == null ? Type.UNKNOWN : switch (v1) {
        case "0" -> Type.INITIAL;
        case "1" -> Type.ZERO_RTT;
        case "2" -> Type.HANDSHAKE;
        case "3" -> Type.RETRY;
        default -> Type.UNKNOWN;
      };
    }

    private String hex(String name) {
      String value = quic.get(name);
      return value == null ? "" : value.replace(":", "").toLowerCase(java.util.Locale.ROOT);
    }

    private long size(String name) {
      return quic.containsKey(name) ? parse(quic.get("size:" + name)) : -1;
    }
  }

  /** A decimal or {@code 0x} hexadecimal number, -1 when absent or not a number. */
  private static long parse(String text) {
    if (text == null || text.isBlank()) {
      return -1;
    }
    try {
      String t = text.trim();
      return t.startsWith("0x") ? Long.parseLong(t.substring(2), 16) : Long.parseLong(t);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
