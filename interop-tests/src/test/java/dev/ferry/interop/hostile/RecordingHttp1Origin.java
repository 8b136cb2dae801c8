package dev.ferry.interop.hostile;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An HTTP/1.1 origin that records every byte the relay sends it, per connection, and frames the requests in them
 * itself ({@link Http1RequestReader}), so that a test can ask how many complete requests (head and whole body) got
 * through and what their header fields were, without trusting a server library that might normalise or repair
 * them. Each complete request gets {@code 200} with the body {@code ok} and a Content-Length, and the connection is
 * kept open for the next one unless the request asked to close it. A head it cannot frame (bad Content-Length, both
 * framing fields) is recorded and the connection closed without an answer ({@link FramingHttp1Origin}).
 */
public final class RecordingHttp1Origin extends FramingHttp1Origin {
  private static final byte[] OK = ("HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 2\r\n\r\nok")
      .getBytes(StandardCharsets.US_ASCII);

  private final Map<Integer, ByteRecordingInputStream> connections = new ConcurrentHashMap<>();

  private RecordingHttp1Origin() throws IOException {
    super("recording-origin");
  }

  /** Starts listening on 127.0.0.1 with an ephemeral port. */
  public static RecordingHttp1Origin start() throws IOException {
    return new RecordingHttp1Origin();
  }

  /**
   * The bytes received on each connection since the last {@link #clear()}, by connection number; connections that
   * ended are kept until then.
   */
  public Map<Integer, byte[]> receivedBytes() {
    Map<Integer, byte[]> bytes = new LinkedHashMap<>();
    connections.forEach((number, recorder) -> {
      byte[] recorded = recorder.recorded();
      if (recorded.length > 0) {
        bytes.put(number, recorded);
      }
    });
    return bytes;
  }

  /**
   * Forgets all requests and bytes received so far. A request whose head came before and whose body comes after is
   * not recorded as complete later: it belongs to the case that is over.
   */
  public synchronized void clear() {
    forgetRequests();
    connections.values().forEach(ByteRecordingInputStream::forget);
    connections.keySet().removeIf(this::hasEnded);
  }

  @Override
  InputStream input(int connection, Socket socket) throws IOException {
    ByteRecordingInputStream recorder = new ByteRecordingInputStream(socket.getInputStream());
    connections.put(connection, recorder);
    return recorder;
  }

  @Override
  boolean answer(ReceivedRequest request, OutputStream out) throws IOException {
    out.write(OK);
    out.flush();
    return request.values("connection").stream().noneMatch(v -> v.equalsIgnoreCase("close"));
  }
}
