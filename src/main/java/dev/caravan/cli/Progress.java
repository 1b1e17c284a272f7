package dev.caravan.cli;

import java.io.PrintStream;

/**
 * A one-line progress bar on the terminal's standard error, for long commands; silent when standard
 * error is not a terminal (a pipe, a log, a test), so scripts see only the results.
 */
final class Progress {

  private final String what;
  private final PrintStream err;
  private final boolean shown;
  private long lastDraw;

  Progress(String what) {
    this(what, System.err, System.console() != null);
  }

  Progress(String what, PrintStream err, boolean shown) {
    this.what = what;
    this.err = err;
    this.shown = shown;
  }

  /** {@code done} of {@code total}; redrawn at most ten times a second. */
  void show(long done, long total) {
    long now = System.nanoTime();
    if (!shown || (now - lastDraw < 100_000_000L && done < total)) {
      return;
    }
    lastDraw = now;
    int width = 30;
    int filled = total == 0 ? width : (int) (width * done / total);
    err.printf(
        "\r%s [%s%s] %d/%d", what, "#".repeat(filled), " ".repeat(width - filled), done, total);
    err.flush();
  }

  /** Clears the line, so the results start at its beginning. */
  void end() {
    if (shown) {
      err.print("\r" + " ".repeat(what.length() + 50) + "\r");
      err.flush();
    }
  }
}
