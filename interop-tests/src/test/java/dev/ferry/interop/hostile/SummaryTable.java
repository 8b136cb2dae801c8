package dev.ferry.interop.hostile;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.function.Executable;
import org.opentest4j.MultipleFailuresError;

/**
 * One line per case (the case, what the client got, how long it took, which checks failed, and a note), printed
 * when the class is done. The per-case failures say what went wrong; the table shows the pattern across cases at a
 * glance, which is what one wants when a change to the relay flips a whole class of them.
 */
final class SummaryTable {
  private record Row(String name, String answer, long millis, String verdict, String note) {}

  private final String title;
  private final List<Row> rows = new ArrayList<>();

  SummaryTable(String title) {
    this.title = title;
  }

  /** Runs a case's checks and adds its row, passed or failed; a failure is rethrown. */
  void run(String name, TimedOutcome answer, Executable checks) throws Throwable {
    run(name, answer, () -> "", checks);
  }

  /** The same, with a note for the row, taken after the checks ran. */
  void run(String name, TimedOutcome answer, Supplier<String> note, Executable checks) throws Throwable {
    String verdict = "pass";
    try {
      checks.execute();
    } catch (Throwable t) {
      verdict = "FAIL: " + oneLine(t);
      throw t;
    } finally {
      add(new Row(name, answer.toString(), answer.millis(), verdict, note.get()));
    }
  }

  private synchronized void add(Row row) {
    rows.add(row);
  }

  synchronized void print(PrintStream out) {
    int nameWidth = Math.max(4, rows.stream().mapToInt(r -> r.name().length()).max().orElse(4));
    int answerWidth = Math.min(70, Math.max(6, rows.stream().mapToInt(r -> r.answer().length()).max().orElse(6)));
    String format = "%-" + nameWidth + "s  %-" + answerWidth + "s  %6s  %s%s%n";
    StringBuilder table = new StringBuilder();
    table.append(System.lineSeparator()).append(title).append(System.lineSeparator());
    table.append(String.format(format, "case", "answer", "ms", "result", ""));
    for (Row row : rows) {
      table.append(String.format(format, row.name(), row.answer(), row.millis(), row.verdict(),
          row.note().isEmpty() ? "" : " (" + row.note() + ")"));
    }
    long failed = rows.stream().filter(r -> !r.verdict().equals("pass")).count();
    table.append(rows.size()).append(" cases, ").append(failed).append(" failed").append(System.lineSeparator());
    out.print(table);
    out.flush();
  }

  private static String oneLine(Throwable t) {
    if (t instanceof MultipleFailuresError multiple) {
      return multiple.getFailures().stream().map(SummaryTable::firstLine).collect(Collectors.joining(" | "));
    }
    return firstLine(t);
  }

  private static String firstLine(Throwable t) {
    String message = String.valueOf(t.getMessage());
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
