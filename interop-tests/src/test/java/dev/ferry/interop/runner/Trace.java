package dev.ferry.interop.runner;

import java.util.List;

/**
 * What a packet capture of one QUIC test case showed, in the terms quic-interop-runner's checks use
 * ({@code trace.py}, {@code testcase.py}). {@link TraceReader} fills it from a pcap; {@link TraceChecks} judges it.
 * "Client" and "server" are told apart by the server's UDP port, not by fixed addresses as in the runner.
 *
 * @param versions every QUIC version seen in a long header (Version Negotiation packets excluded), as
 *     {@code 0x00000001}, first seen first
 * @param serverInitialVersions the versions of the server's Initial packets: what the runner's
 *     {@code _get_versions} reads and {@code _check_version_and_files} judges
 * @param fromClient the packets the client sent
 * @param fromServer the packets the server sent
 * @param handshakes one per distinct source connection ID of the server's Initial and Handshake packets, first
 *     seen first (the runner's {@code _count_handshakes})
 * @param retry what the client did after a Retry
 * @param clientHellos the ClientHellos in the client's Initial packets
 * @param serverHandshakeCryptoBytes the highest CRYPTO offset + length in the server's Handshake packets (needs
 *     keys; 0 without)
 * @param serverMaxStreamsBidi the server's {@code initial_max_streams_bidi} transport parameter, -1 if unseen
 *     (it travels in Handshake packets: needs keys)
 * @param amplification the runner's amplification-limit walk over the datagrams
 * @param keyLog whether a TLS key log was given to tshark
 * @param undecryptable QUIC packets tshark reported it could not decrypt
 * @param oversizedDatagrams UDP datagrams with more than {@value #MAX_WIRE_UDP_PAYLOAD} payload bytes: on a
 *     loopback or veth capture, UDP GSO sends the kernel had not yet cut into datagrams (see {@link TraceReader})
 */
public record Trace(List<String> versions, List<String> serverInitialVersions, Packets fromClient,
    Packets fromServer, List<Handshake> handshakes, Retry retry, ClientHellos clientHellos,
    long serverHandshakeCryptoBytes, long serverMaxStreamsBidi, Amplification amplification, boolean keyLog,
    int undecryptable, int oversizedDatagrams) {

  public static final String QUIC_V1 = "0x00000001";
  /** The most UDP payload a 1500-byte IPv4 MTU carries. */
  public static final int MAX_WIRE_UDP_PAYLOAD = 1472;

  public Trace {
    versions = List.copyOf(versions);
    serverInitialVersions = List.copyOf(serverInitialVersions);
    handshakes = List.copyOf(handshakes);
  }

  /**
   * Packets one side sent, by type. Key phases are the KEY_PHASE bits of 1-RTT packets, which tshark only reads
   * after removing header protection, that is with the key log.
   *
   * @param zeroRttBytes payload bytes of the 0-RTT packets (decrypted payload, or what tshark could not decrypt)
   * @param oneRttBytes protected payload bytes of the 1-RTT packets
   */
  public record Packets(int initial, int zeroRtt, int handshake, int retry, int oneRtt, int versionNegotiation,
      long zeroRttBytes, long oneRttBytes, int keyPhase0, int keyPhase1) {

    public static final Packets NONE = new Packets(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
  }

  /**
   * One handshake, named by the server's source connection ID.
   *
   * @param decrypted whether at least one of the server's Handshake packets of it was decrypted, that is whether
   *     {@code certificate} means anything
   * @param certificate whether the server sent a TLS Certificate message (handshake type 11) in it
   */
  public record Handshake(String serverCid, boolean decrypted, boolean certificate) {}

  /**
   * Client Initial packets sent after a Retry by the client it was addressed to (its DCID is their SCID).
   *
   * @param initialsAfter how many there were
   * @param withToken how many of them carried a Retry's token
   * @param packetNumberReset whether one with a token had a packet number not above those sent before the Retry
   *     (the runner fails that: RFC 9000 17.2.5.3)
   */
  public record Retry(int initialsAfter, int withToken, boolean packetNumberReset) {

    public static final Retry NONE = new Retry(0, 0, false);
  }

  /**
   * The ClientHellos in the client's Initial packets (Initial keys derive from the connection ID, so tshark reads
   * them without a key log).
   *
   * @param sent client Initial packets holding a CRYPTO frame at offset 0, that is the start of a ClientHello:
   *     the first copy and each retransmission (tshark dissects a ClientHello's bytes once, so a retransmitted
   *     copy shows no {@code tls.handshake.type}, but every copy shows its CRYPTO frame's offset)
   * @param offeredCipherSuites the distinct cipher suites the ClientHellos offered, as {@code 0x1303}, first seen
   *     first; GREASE values (RFC 8701) left out, as they offer nothing
   */
  public record ClientHellos(int sent, List<String> offeredCipherSuites) {

    public ClientHellos {
      offeredCipherSuites = List.copyOf(offeredCipherSuites);
    }
  }

  /**
   * The runner's amplification-limit walk: datagrams in capture order, each client datagram led by an Initial
   * adding 3 (with tolerance 4) times its UDP payload to what the server may send, until the client sends a
   * Handshake packet or an Initial to a server-chosen connection ID of at least 8 bytes.
   *
   * @param clientBytes UDP payload bytes of the client's Initial datagrams counted
   * @param serverBytes UDP payload bytes the server sent in that time
   */
  public record Amplification(Outcome outcome, long clientBytes, long serverBytes) {

    public enum Outcome {
      /** The address was validated before the server sent 4 times what it had received. */
      VALIDATED,
      /** A server datagram did not fit in 4 times what the client had sent, less what the server sent before. */
      EXCEEDED,
      /** The capture ended before the address was validated. */
      NOT_VALIDATED,
      /** A Version Negotiation packet or a packet of unknown type (the runner fails these too). */
      UNEXPECTED_PACKET
    }
  }
}
