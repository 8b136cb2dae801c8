package dev.ferry.interop.runner;

import java.util.List;

/**
 * The outcome of one case for one server and one client.
 *
 * @param detail     why it failed or was not run; empty on success
 * @param millis     wall time of the client's run
 * @param goodputKbps for transfer-like cases, body bytes per second of the client's run, in kbit/s; else 0
 */
public record CellResult(String server, String client, String testCase, Outcome outcome, String detail, long millis,
                  long goodputKbps) {
    public enum Outcome {
        PASS, FAIL, UNSUPPORTED, NOT_RUN
    }

    public static CellResult of(String server, String client, String testCase, Outcome outcome, String detail) {
        return new CellResult(server, client, testCase, outcome, detail, 0, 0);
    }

    /** The matrix's short mark for this outcome. */
    public String mark() {
        return switch (outcome) {
            case PASS -> "pass";
            case FAIL -> "FAIL";
            case UNSUPPORTED -> "127";
            case NOT_RUN -> "-";
        };
    }

    static String joined(List<String> lines) {
        return String.join("; ", lines);
    }
}
