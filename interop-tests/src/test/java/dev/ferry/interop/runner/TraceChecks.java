package dev.ferry.interop.runner;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The packet-capture half of quic-interop-runner's test case checks ({@code testcases_quic.py}), judged on a
 * {@link Trace}: {@link #failures} lists each rule the runner would fail a run on, empty when it would pass. The
 * runner stops at its first failed rule; this lists all of them. Not here: the download check of
 * {@code _check_version_and_files} (files are not in a capture), and cases whose rules read what {@link Trace}
 * does not hold (ecn's IP marks, versionnegotiation): those names are rejected rather than half-checked.
 *
 * <p>Rules, and where they differ from the runner:
 * <ul>
 *   <li>all cases: the server's Initial packets carry exactly one version, QUIC v1 ({@code _get_versions});
 *   <li>handshake, transfer, http3, blackhole, transferloss, transfercorruption: 1 handshake (distinct server
 *       SCIDs, {@code _count_handshakes}); handshake also no Retry in either direction ({@code _retry_sent}). The
 *       runner does not forbid a Retry in the others, so neither does this;
 *   <li>longrtt: as handshake, and at least 2 ClientHellos from the client (its first probe timeout fires before
 *       the long round trip ends). Approximate: the runner counts client Initials dissected as a ClientHello plus
 *       those tshark marks as a retransmission or overlap (it does not dissect a retransmitted ClientHello again);
 *       this counts client Initials whose CRYPTO frame starts at offset 0, the ClientHello's first bytes in every
 *       copy ({@link Trace.ClientHellos#sent()}). A resent tail of a ClientHello longer than one packet, without
 *       its first bytes, counts for the runner and not here;
 *   <li>chacha20: 1 handshake, and TLS_CHACHA20_POLY1305_SHA256 ({@code 0x1303}) the only cipher suite the
 *       client's ClientHellos offer. The runner reads the first suite of each ClientHello only; this reads all,
 *       so a client offering ChaCha20 first and others after fails here and passes there. GREASE values are not
 *       counted as offers;
 *   <li>multiplexing: also a key log, and the server's {@code initial_max_streams_bidi} seen and at most 1000;
 *   <li>retry: 1 handshake, a Retry, client Initials after it, every one echoing its token and none resetting the
 *       packet number. The runner is content with one Initial echoing the token; RFC 9000 17.2.5.2 wants all;
 *   <li>resumption: a key log, 2 handshakes, a Certificate message in the first and none in the second;
 *   <li>zerortt: 2 handshakes, client 0-RTT packets with more than 0 payload bytes, and (not a runner rule) no
 *       Certificate in the second handshake when it was decrypted. The runner's bound on 1-RTT bytes from the
 *       client is left out: it is derived from its own 40 files with 250-character names;
 *   <li>multiconnect, handshakeloss, handshakecorruption: as many handshakes as files;
 *   <li>keyupdate: a key log, 1 handshake, 1-RTT packets with key phase 1 from client and from server (the
 *       runner's rule; phase 0 precedes it in any working connection);
 *   <li>amplificationlimit: a key log, 1 handshake, at least 7500 bytes of server Handshake CRYPTO data (the
 *       runner's proof that its 9-certificate chain was used), and its datagram walk ({@link
 *       Trace.Amplification}) ending in validation. Approximate: it walks one capture where the runner walks the
 *       server-side one behind its ns-3 link, whose drops (Initials 2 to 7 to the server) this capture lacks; and
 *       a capture holding unsegmented UDP GSO buffers ({@link Trace#oversizedDatagrams()}) fails, since its
 *       datagram sizes are not what went on the wire.
 * </ul>
 * "Key log" rules stand where the runner reports UNSUPPORTED: without keys tshark sees no Certificate, no
 * transport parameters and no key phase, and a pass would be meaningless.
 */
public final class TraceChecks {

  private static final Set<String> ONE_HANDSHAKE =
      Set.of("handshake", "transfer", "http3", "blackhole", "transferloss", "transfercorruption", "ipv6",
      "rebind-port", "rebind-addr");
  private static final Set<String> PER_FILE = Set.of("multiconnect", "handshakeloss", "handshakecorruption");
  private static final long MIN_AMPLIFICATION_CRYPTO_BYTES = 7500;
  private static final String TLS_CHACHA20_POLY1305_SHA256 = "0x1303";

  private TraceChecks() {}

  /**
   * As {@link #failures(String, Trace, int)}, for the cases whose handshake count does not depend on the number
   * of files.
   *
   * @throws IllegalArgumentException for multiconnect, handshakeloss and handshakecorruption, and unknown names
   */
  public static List<String> failures(String testCase, Trace trace) {
    if (PER_FILE.contains(testCase)) {
      throw new IllegalArgumentException(testCase + " expects one handshake per file: give the number of files");
    }
    return failures(testCase, trace, 1);
  }

  /**
   * What the runner would fail {@code testCase} on, given this capture; empty if it would pass.
   *
   * @param files the number of files the client fetched (one connection each in the per-file cases)
   * @throws IllegalArgumentException for a case this class does not judge
   */
  public static List<String> failures(String testCase, Trace trace, int files) {
    List<String> out = new ArrayList<>();
    versions(trace, out);
    if (ONE_HANDSHAKE.contains(testCase)) {
      handshakes(trace, 1, out);
      if (testCase.equals("handshake")) {
        noRetry(trace, out);
      }
      return out;
    }
    switch (testCase) {
      case "longrtt" -> {
        handshakes(trace, 1, out);
        noRetry(trace, out);
        if (trace.clientHellos().sent() < 2) {
          out.add("expected at least 2 ClientHellos from the client (a retransmission: its first probe timeout "
              + "fires before the long round trip ends), found " + trace.clientHellos().sent());
        }
      }
      case "chacha20" -> {
        handshakes(trace, 1, out);
        List<String> offered = trace.clientHellos().offeredCipherSuites();
        if (!offered.equals(List.of(TLS_CHACHA20_POLY1305_SHA256))) {
          out.add("expected the client to offer only TLS_CHACHA20_POLY1305_SHA256 (" + TLS_CHACHA20_POLY1305_SHA256
              + ") in its ClientHello, found " + (offered.isEmpty() ? "no cipher suites" : offered));
        }
      }
      case "multiplexing" -> {
        keyLog(trace, out);
        handshakes(trace, 1, out);
        if (trace.serverMaxStreamsBidi() < 0 || trace.serverMaxStreamsBidi() > 1000) {
          out.add("expected the server's initial_max_streams_bidi to be at most 1000, found "
              + (trace.serverMaxStreamsBidi() < 0 ? "none" : trace.serverMaxStreamsBidi()));
        }
      }
      case "retry" -> {
        handshakes(trace, 1, out);
        retry(trace, out);
      }
      case "resumption" -> {
        keyLog(trace, out);
        if (handshakes(trace, 2, out)) {
          certificate(trace.handshakes().get(0), "first", true, out);
          certificate(trace.handshakes().get(1), "second", false, out);
        }
      }
      case "zerortt" -> {
        if (handshakes(trace, 2, out) && trace.handshakes().get(1).decrypted()) {
          certificate(trace.handshakes().get(1), "second", false, out);
        }
        Trace.Packets client = trace.fromClient();
        if (client.zeroRtt() == 0 || client.zeroRttBytes() == 0) {
          out.add("expected 0-RTT packets with payload from the client, found " + client.zeroRtt()
              + " packets with " + client.zeroRttBytes() + " bytes");
        }
      }
      case "multiconnect", "handshakeloss", "handshakecorruption" -> handshakes(trace, files, out);
      case "keyupdate" -> {
        keyLog(trace, out);
        handshakes(trace, 1, out);
        Trace.Packets c = trace.fromClient();
        Trace.Packets s = trace.fromServer();
        if (c.keyPhase1() == 0 || s.keyPhase1() == 0) {
          out.add("expected 1-RTT packets with key phase 1 from both client and server, found client "
              + c.keyPhase0() + " in phase 0 and " + c.keyPhase1() + " in phase 1, server " + s.keyPhase0()
              + " in phase 0 and " + s.keyPhase1() + " in phase 1 (of " + c.oneRtt() + " and " + s.oneRtt()
              + " 1-RTT packets)");
        }
      }
      case "amplificationlimit" -> {
        keyLog(trace, out);
        handshakes(trace, 1, out);
        amplification(trace, out);
      }
      default -> throw new IllegalArgumentException("no capture rules for test case " + testCase);
    }
    return out;
  }

  private static void versions(Trace trace, List<String> out) {
    if (!trace.serverInitialVersions().equals(List.of(Trace.QUIC_V1))) {
      out.add("expected exactly one QUIC version, " + Trace.QUIC_V1 + ", in the server's Initial packets, found "
          + trace.serverInitialVersions());
    }
  }

  /** True when the count is right. */
  private static boolean handshakes(Trace trace, int expected, List<String> out) {
    List<Trace.Handshake> found = trace.handshakes();
    if (found.size() == expected) {
      return true;
    }
    out.add("expected " + expected + " handshake" + (expected == 1 ? "" : "s") + " (distinct server source "
        + "connection IDs), found " + found.size() + ": " + found.stream().map(Trace.Handshake::serverCid).toList());
    return false;
  }

  private static void noRetry(Trace trace, List<String> out) {
    if (trace.fromClient().retry() + trace.fromServer().retry() > 0) {
      out.add("expected no Retry, found " + trace.fromServer().retry() + " from the server and "
          + trace.fromClient().retry() + " from the client");
    }
  }

  private static void keyLog(Trace trace, List<String> out) {
    if (!trace.keyLog()) {
      out.add("expected a TLS key log to decrypt the capture (the runner reports UNSUPPORTED without), found none");
    }
  }

  private static void certificate(Trace.Handshake handshake, String which, boolean expected, List<String> out) {
    if (!handshake.decrypted()) {
      out.add("expected " + (expected ? "a" : "no") + " Certificate message in the " + which + " handshake ("
          + handshake.serverCid() + "), found its Handshake packets undecrypted");
    } else if (handshake.certificate() != expected) {
      out.add("expected " + (expected ? "a" : "no") + " Certificate message in the " + which + " handshake ("
          + handshake.serverCid() + "), found " + (expected ? "none" : "one"));
    }
  }

  private static void retry(Trace trace, List<String> out) {
    Trace.Retry retry = trace.retry();
    if (trace.fromServer().retry() == 0) {
      out.add("expected a Retry from the server, found none");
    } else if (retry.initialsAfter() == 0) {
      out.add("expected client Initial packets after the Retry, found none");
    } else if (retry.withToken() != retry.initialsAfter()) {
      out.add("expected every client Initial after the Retry to echo its token, found " + retry.withToken()
          + " of " + retry.initialsAfter());
    }
    if (retry.packetNumberReset()) {
      out.add("expected the client to keep counting Initial packet numbers after the Retry, found them reset");
    }
  }

  private static void amplification(Trace trace, List<String> out) {
    if (trace.oversizedDatagrams() > 0) {
      out.add("expected UDP datagrams of at most " + Trace.MAX_WIRE_UDP_PAYLOAD + " payload bytes to size them, "
          + "found " + trace.oversizedDatagrams() + " larger (unsegmented UDP GSO: gso_max_segs 1 on the link)");
    }
    if (trace.serverHandshakeCryptoBytes() < MIN_AMPLIFICATION_CRYPTO_BYTES) {
      out.add("expected at least " + MIN_AMPLIFICATION_CRYPTO_BYTES + " bytes of server Handshake CRYPTO data "
          + "(a long certificate chain), found " + trace.serverHandshakeCryptoBytes());
    }
    Trace.Amplification a = trace.amplification();
    if (a.outcome() != Trace.Amplification.Outcome.VALIDATED) {
      out.add("expected the server to stay within 3-4 times the client's Initial bytes until the address was "
          + "validated, found " + a.outcome() + " after " + a.serverBytes() + " server bytes for "
          + a.clientBytes() + " client bytes");
    }
  }
}
