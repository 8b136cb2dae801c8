package dev.ferry.interop.support;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The outcome of one h3spec run, parsed from its hspec-style output:
 *
 * <pre>
 * QUIC servers
 *   MUST send FLOW_CONTROL_ERROR if a STREAM frame with a large offset is received [Transport 4.1]
 *   MUST send unexpected_message TLS alert if KeyUpdate in Handshake is received [TLS 6] FAILED [1]
 * HTTP/3 servers
 *   ...
 * Failures:
 *   ...
 * 45 examples, 20 failures
 * </pre>
 *
 * <p>A group heading starts in column 0, a case is indented by two spaces and ends in {@code FAILED [n]} when it
 * failed. Lines such as {@code Warning: 0-RTT is not possible. Skipping this test.} are attached to the next case
 * as a note (such a case is reported passed by h3spec although nothing was tested).
 *
 * @param output stdout followed by stderr, for failure messages
 */
public record H3SpecReport(int exitCode, boolean timedOut, List<Case> cases, String output) {

  private static final Pattern FAILED = Pattern.compile("^(.*?)\\s*FAILED \\[(\\d+)\\]$");

  /** One conformance case; {@code note} is a warning h3spec printed before it, or empty. */
  public record Case(String group, String description, boolean passed, String note) {

    public String name() {
      return group + " " + description;
    }
  }

  public List<Case> failed() {
    return cases.stream().filter(c -> !c.passed()).toList();
  }

  public List<Case> passed() {
    return cases.stream().filter(Case::passed).toList();
  }

  static List<Case> parse(String output) {
    List<Case> cases = new ArrayList<>();
    String group = "";
    String note = "";
    for (String raw : output.split("\n")) {
      String line = raw.stripTrailing();
      if (line.isEmpty()) {
        continue;
      }
      if (line.equals("Failures:") || line.matches("^\\d+ examples?, .*")) {
        break;
      }
      if (line.startsWith("  ") && !line.startsWith("   ")) {
        Matcher failed = FAILED.matcher(line.strip());
        boolean passed = !failed.matches();
        cases.add(new Case(group, passed ? line.strip() : failed.group(1), passed, note));
        note = "";
      } else if (!line.startsWith(" ")) {
        if (line.startsWith("Warning:")) {
          note = line;
        } else {
          group = line;
        }
      }
    }
    return List.copyOf(cases);
  }
}
