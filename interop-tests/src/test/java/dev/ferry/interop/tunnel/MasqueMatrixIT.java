package dev.ferry.interop.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.interop.runner.CellResult;
import dev.ferry.interop.runner.MatrixReport;
import dev.ferry.interop.support.WorkDirs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The MASQUE matrix: every {@link MasqueCase} for every client (Ferry's {@code ferry tunnel}, and kwik/flupke) against
 * Ferry's relay, graded by {@link MasqueCells} and written beside the QUIC matrix as {@code masque.md},
 * {@code masque.html} and {@code masque.json}. Every cell has Ferry on one side, so every cell must pass.
 *
 * <p>System properties, as {@code scripts/interop.sh} sets them: {@code interop.masque.clients} (ferry, kwik),
 * {@code interop.masque.cases} (the cases' labels), {@code interop.scale} (the QUIC-inside file and the TCP stream
 * against 10 MiB and 4 MiB) and {@code interop.out}.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class MasqueMatrixIT {

    @Test
    void everyMasqueCellPasses() throws Exception {
        List<MasqueClient> clients = list(System.getProperty("interop.masque.clients", "ferry,kwik")).stream()
                .map(MasqueClient::named).toList();
        List<MasqueCase> cases = System.getProperty("interop.masque.cases") == null
                ? List.of(MasqueCase.values())
                : list(System.getProperty("interop.masque.cases")).stream().map(MasqueCase::named).toList();
        double scale = Double.parseDouble(System.getProperty("interop.scale", "0.1"));
        Path out = outputDir();
        List<CellResult> results = new ArrayList<>();
        try (MasqueCells cells = new MasqueCells(Files.createDirectories(out.resolve("masque")), scale)) {
            for (MasqueCase testCase : cases) {
                for (MasqueClient client : clients) {
                    CellResult result = cells.run(client, testCase,
                            out.resolve("masque").resolve(testCase.label()).resolve("ferry_" + client.label()));
                    results.add(result);
                    System.out.printf("[masque] %-14s ferry <- %-6s %s %s%n", testCase.label(), client.label(),
                            result.mark(), result.detail());
                }
            }
        } finally {
            MatrixReport.write(out, "masque", "MASQUE interop matrix", results);
            System.out.println(Files.readString(out.resolve("masque.md"), StandardCharsets.UTF_8));
        }
        List<String> failed = results.stream().filter(r -> r.outcome() != CellResult.Outcome.PASS)
                .map(r -> r.testCase() + " ferry <- " + r.client() + ": " + r.detail()).toList();
        assertTrue(failed.isEmpty(), String.join("\n", failed));
    }

    /** The egress-refusal checks fail a relay that lets a tunnel reach loopback: the grading has teeth. */
    @Test
    void aRelayThatLetsATunnelReachLoopbackFailsEgressRefusal() throws Exception {
        Path work = WorkDirs.create("masque-broken");
        try (MasqueCells cells = new MasqueCells(work, 0.03)) {
            for (MasqueClient client : List.of(MasqueClient.named("ferry"), MasqueClient.named("kwik"))) {
                CellResult broken = cells.egressRefusalAgainstAPermissiveRelay(client,
                        work.resolve("broken-" + client.label()));
                assertEquals(CellResult.Outcome.FAIL, broken.outcome(), broken.toString());
                assertTrue(broken.detail().contains("opened a tunnel to loopback")
                        && broken.detail().contains("reached the forbidden target"), broken.detail());
            }
        }
    }

    private static List<String> list(String text) {
        return Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /** {@code interop.out} as given (the script makes one folder per run), else a work directory of its own. */
    private static Path outputDir() throws java.io.IOException {
        String given = System.getProperty("interop.out");
        return given != null && !given.isBlank() ? Files.createDirectories(Path.of(given).toAbsolutePath())
                : WorkDirs.create("masque-matrix");
    }
}
