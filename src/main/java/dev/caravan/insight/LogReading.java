package dev.caravan.insight;

import dev.caravan.dslog.DslogFormatException;
import dev.caravan.dslog.DslogReader;
import dev.caravan.dslog.DslogRecord;
import dev.caravan.dslog.MalformedLogException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;

/**
 * One pass over a log for the report: its tally and its plot points together. A log that ends badly
 * gives what its good part holds.
 */
public record LogReading(Instant start, PowerTally tally, PowerSeries series) {

  /** The plot points, at most {@link PowerSeries#MAX_POINTS}. */
  public PowerSeries.Points points() {
    return series.points();
  }

  /** Reads {@code log}; a header that cannot be read throws {@link DslogFormatException}. */
  public static LogReading of(Path log) throws IOException {
    PowerTally tally = new PowerTally();
    PowerSeries series = new PowerSeries();
    try (DslogReader r = DslogReader.open(log)) {
      Instant start = r.header().start();
      try {
        for (DslogRecord rec = r.next(); rec != null; rec = r.next()) {
          tally.accept(rec);
          series.accept(rec);
        }
      } catch (DslogFormatException | MalformedLogException e) {
        // the records before it stand, as in the CSV
      }
      return new LogReading(start, tally.seal(), series);
    }
  }
}
