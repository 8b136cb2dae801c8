package dev.ferry.interop.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class H3SpecReportTest {

  @Test
  void parsesAllCasesOfRealOutputWithGroupsFailuresAndWarnings() throws Exception {
    String output;
    // Recorded from h3spec 0.1.7 against ngtcp2 0.12.1's gtlsserver, which crashed half-way.
    try (InputStream in = getClass().getResourceAsStream("/h3spec/gtlsserver-0.12.1.txt")) {
      output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    List<H3SpecReport.Case> cases = H3SpecReport.parse(output);

    assertEquals(45, cases.size());
    H3SpecReport report = new H3SpecReport(1, false, cases, output);
    assertEquals(20, report.failed().size());
    assertEquals(25, report.passed().size());
    H3SpecReport.Case first = cases.get(0);
    assertEquals("QUIC servers", first.group());
    assertEquals("MUST send FLOW_CONTROL_ERROR if a STREAM frame with a large offset is received [Transport 4.1]",
        first.description());
    assertTrue(first.passed());
    H3SpecReport.Case keyUpdate = cases.get(24);
    assertFalse(keyUpdate.passed());
    assertEquals("MUST send unexpected_message TLS alert if KeyUpdate in Handshake is received [TLS 6]",
        keyUpdate.description());
    H3SpecReport.Case zeroRtt = cases.get(29);
    assertTrue(zeroRtt.note().startsWith("Warning: 0-RTT is not possible"), zeroRtt.toString());
    assertEquals("HTTP/3 servers", cases.get(44).group());
  }
}
