package dev.ferry.interop.runner;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Writes a run's results the way the public matrix shows them: a table per case with servers as columns and
 * clients as rows, as Markdown ({@code NAME.md}) and a static page ({@code NAME.html}), plus every cell with its
 * detail as JSON ({@code NAME.json}) for tools; NAME is {@code matrix} for the QUIC cases and {@code masque} for the
 * tunnel cases. No library: the formats are small and fixed.
 */
public final class MatrixReport {
    private MatrixReport() {
    }

    /** Writes {@code name}.md, .html and .json into {@code dir}, headed {@code title}. */
    public static void write(Path dir, String name, String title, List<CellResult> results) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(name + ".json"), json(results), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve(name + ".md"), markdown(title, results), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve(name + ".html"), html(title, results), StandardCharsets.UTF_8);
    }

    static String markdown(String title, List<CellResult> results) {
        StringBuilder md = new StringBuilder("# ").append(title).append("\n\n")
                .append("Rows are clients, columns servers. pass, FAIL, 127 (not supported by an endpoint), "
                        + "- (not run); details below each table.\n");
        for (String testCase : values(results, CellResult::testCase)) {
            List<CellResult> cells = results.stream().filter(r -> r.testCase().equals(testCase)).toList();
            Set<String> servers = values(cells, CellResult::server);
            md.append("\n## ").append(testCase).append("\n\n| client \\ server |");
            servers.forEach(s -> md.append(' ').append(s).append(" |"));
            md.append("\n|---|");
            servers.forEach(s -> md.append("---|"));
            for (String client : values(cells, CellResult::client)) {
                md.append("\n| ").append(client).append(" |");
                for (String server : servers) {
                    md.append(' ').append(cells.stream().filter(c -> c.client().equals(client)
                            && c.server().equals(server)).findFirst().map(MatrixReport::cellText).orElse(""))
                            .append(" |");
                }
            }
            md.append('\n');
            for (CellResult c : cells) {
                if (!c.detail().isEmpty()) {
                    md.append("\n- ").append(c.server()).append(" / ").append(c.client()).append(": ")
                            .append(c.detail().replace("|", "\\|"));
                }
            }
            md.append('\n');
        }
        return md.toString();
    }

    private static String cellText(CellResult c) {
        return c.outcome() == CellResult.Outcome.PASS && c.goodputKbps() > 0
                ? String.format(Locale.ROOT, "pass (%d ms, %d kbit/s)", c.millis(), c.goodputKbps())
                : c.mark();
    }

    static String json(List<CellResult> results) {
        StringBuilder json = new StringBuilder("[\n");
        for (int i = 0; i < results.size(); i++) {
            CellResult r = results.get(i);
            json.append(String.format(Locale.ROOT, "  {\"server\": %s, \"client\": %s, \"case\": %s, "
                    + "\"outcome\": %s, \"detail\": %s, \"millis\": %d, \"goodput_kbps\": %d}%s%n",
                    quote(r.server()), quote(r.client()), quote(r.testCase()), quote(r.outcome().name().toLowerCase(
                            Locale.ROOT)), quote(r.detail()), r.millis(), r.goodputKbps(),
                    i + 1 < results.size() ? "," : ""));
        }
        return json.append("]\n").toString();
    }

    static String html(String title, List<CellResult> results) {
        StringBuilder html = new StringBuilder("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
                + "<title>" + escape(title) + "</title><style>table{border-collapse:collapse;margin:1em 0}"
                + "td,th{border:1px solid #999;padding:4px 8px}.pass{background:#cfc}.FAIL{background:#fcc}"
                + ".u{background:#eee}</style></head><body><h1>" + escape(title) + "</h1>\n");
        for (String testCase : values(results, CellResult::testCase)) {
            List<CellResult> cells = results.stream().filter(r -> r.testCase().equals(testCase)).toList();
            Set<String> servers = values(cells, CellResult::server);
            html.append("<h2>").append(escape(testCase)).append("</h2><table><tr><th>client \\ server</th>");
            servers.forEach(s -> html.append("<th>").append(escape(s)).append("</th>"));
            html.append("</tr>\n");
            for (String client : values(cells, CellResult::client)) {
                html.append("<tr><th>").append(escape(client)).append("</th>");
                for (String server : servers) {
                    cells.stream().filter(c -> c.client().equals(client) && c.server().equals(server)).findFirst()
                            .ifPresentOrElse(c -> html.append("<td class=\"")
                                    .append(c.outcome() == CellResult.Outcome.PASS ? "pass"
                                            : c.outcome() == CellResult.Outcome.FAIL ? "FAIL" : "u")
                                    .append("\" title=\"").append(escape(c.detail())).append("\">")
                                    .append(escape(cellText(c))).append("</td>"),
                                    () -> html.append("<td></td>"));
                }
                html.append("</tr>\n");
            }
            html.append("</table>\n");
        }
        return html.append("</body></html>\n").toString();
    }

    private static Set<String> values(List<CellResult> results, java.util.function.Function<CellResult, String> f) {
        Set<String> seen = new LinkedHashSet<>();
        results.forEach(r -> seen.add(f.apply(r)));
        return seen;
    }

    private static String quote(String s) {
        StringBuilder q = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> q.append("\\\"");
                case '\\' -> q.append("\\\\");
                case '\n' -> q.append("\\n");
                case '\t' -> q.append("\\t");
                default -> {
                    if (c < 0x20) {
                        q.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        q.append(c);
                    }
                }
            }
        }
        return q.append('"').toString();
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
