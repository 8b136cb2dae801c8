package dev.ferry.interop.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GtlsClientTest {

  @TempDir Path dir;

  @Test
  void namesDownloadsLikeGtlsclientIncludingQuery() {
    assertEquals("a.bin", GtlsClient.downloadName("https://127.0.0.1:1/x/a.bin"));
    assertEquals("index.html?x=1", GtlsClient.downloadName("https://127.0.0.1:1/index.html?x=1"));
    assertEquals("index.html", GtlsClient.downloadName("https://127.0.0.1:1/"));
    assertEquals("index.html", GtlsClient.downloadName("https://127.0.0.1:1"));
  }

  @Test
  void readsStatusesPerStreamAndDropsPacketLog() throws Exception {
    Path stderr = Files.writeString(dir.resolve("err"), String.join("\n",
        "I00000001 0x91ce cry remote transport_parameters initial_max_streams_uni=3",
        "http: stream 0x0 submit request headers",
        "http: stream 0x0 [:status: 200]",
        "I00000024 0x91ce frm rx 2 1RTT STREAM(0x0b) id=0x0 fin=1",
        "http: stream 0x4 [:status: 404]", ""));
    Map<Long, Integer> statuses = new TreeMap<>();
    String kept = GtlsClient.scanStderr(stderr, statuses, new TreeMap<>(), new TreeMap<>());
    assertEquals(Map.of(0L, 200, 4L, 404), statuses);
    assertFalse(kept.contains("I0000"), kept);
    assertTrue(kept.contains("submit request headers"), kept);
  }

  @Test
  void readsTheFinalHeadAndTheTrailersPerStream() throws Exception {
    Path stderr = Files.writeString(dir.resolve("err"), String.join("\n",
        "http: stream 0x0 submit request headers",
        "http: stream 0x0 response headers started",
        "http: stream 0x0 [:status: 103]",
        "http: stream 0x0 [link: </a.css>; rel=preload]",
        "http: stream 0x0 headers ended",
        "http: stream 0x0 response headers started",
        "http: stream 0x0 [:status: 200]",
        "http: stream 0x0 [via: 1.1 ferry]",
        "http: stream 0x0 [proxy-status: ferry; error=connection_timeout]",
        "http: stream 0x0 headers ended",
        "http: stream 0x0 body 3 bytes",
        "http: stream 0x0 trailers started",
        "http: stream 0x0 [x-checksum: abc]",
        "http: stream 0x0 trailers ended", ""));
    Map<Long, List<HeaderFields.Field>> heads = new TreeMap<>();
    Map<Long, List<HeaderFields.Field>> trailers = new TreeMap<>();
    GtlsClient.scanStderr(stderr, new TreeMap<>(), heads, trailers);
    HeaderFields head = new HeaderFields(heads.get(0L));
    assertEquals(List.of("200"), head.values(":status"));
    assertEquals(List.of("1.1 ferry"), head.values("Via"));
    assertEquals(List.of("ferry; error=connection_timeout"), head.values("proxy-status"));
    assertFalse(head.has("link"), head.toString());
    assertEquals(List.of(new HeaderFields.Field("x-checksum", "abc")), trailers.get(0L));
  }
}
