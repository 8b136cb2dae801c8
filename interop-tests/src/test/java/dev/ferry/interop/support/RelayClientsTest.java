package dev.ferry.interop.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import org.junit.jupiter.api.Test;

class RelayClientsTest {

  @Test
  void splitsCurlsDumpIntoTheFinalHeadAndTheTrailers() {
    List<HeaderFields> sections = RelayClients.parseCurlDump(String.join("\r\n",
        "HTTP/1.1 100 Continue",
        "X-Interim: 1",
        "",
        "HTTP/1.1 200 OK",
        "Via: 1.1 ferry",
        "Transfer-Encoding: chunked",
        "",
        "x-checksum: abc",
        ""));
    HeaderFields head = sections.get(0);
    assertEquals(List.of("1.1 ferry"), head.values("via"));
    assertEquals(List.of("chunked"), head.values("transfer-encoding"));
    assertFalse(head.has("x-interim"), head.toString());
    assertFalse(head.has("x-checksum"), head.toString());
    assertEquals(List.of("abc"), sections.get(1).values("X-Checksum"));
  }
}
