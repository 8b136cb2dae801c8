package dev.ferry.interop.hostile;

import dev.ferry.app.config.OriginConfig;
import dev.ferry.interop.raw.RawHttp3Client;
import dev.ferry.interop.raw.RawHttp3Connection;
import dev.ferry.interop.relay.FerryRelay;
import dev.ferry.interop.support.WorkDirs;

/**
 * An origin, a Ferry relay in front of it and a raw HTTP/3 client for the relay: what a test class that sends
 * hand-made requests through the relay starts once and closes at the end. It closes the client first and the origin
 * last, so that nothing is still sending to a part already gone, and closes whatever did start when a later part
 * fails to.
 *
 * @param <O> the origin's type, so that a test can look at what that origin recorded
 */
public final class RawClientThroughRelay<O extends AutoCloseable> implements AutoCloseable {
  private final O origin;
  private final FerryRelay relay;
  private final RawHttp3Client client;

  private RawClientThroughRelay(O origin, FerryRelay relay, RawHttp3Client client) {
    this.origin = origin;
    this.relay = relay;
    this.client = client;
  }

  /**
   * Starts a relay with its state in a new work directory named after {@code name}, forwarding to the running
   * {@code origin} as configured by {@code originConfig}, and a raw client. The origin is closed if that fails.
   */
  public static <O extends AutoCloseable> RawClientThroughRelay<O> start(String name, O origin,
                                                                         OriginConfig originConfig)
      throws Exception {
    FerryRelay relay = null;
    try {
      relay = FerryRelay.start(WorkDirs.create(name).resolve("relay"), originConfig);
      return new RawClientThroughRelay<>(origin, relay, new RawHttp3Client());
    } catch (Exception | Error e) {
      if (relay != null) {
        relay.close();
      }
      origin.close();
      throw e;
    }
  }

  public O origin() {
    return origin;
  }

  public FerryRelay relay() {
    return relay;
  }

  /** A new QUIC connection to the relay. */
  public RawHttp3Connection connect() throws InterruptedException {
    return client.connect(relay.address());
  }

  @Override
  public void close() throws Exception {
    try (origin; relay; client) {
      // closed in reverse order: client, relay, origin
    }
  }
}
