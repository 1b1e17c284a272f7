package dev.caravan.convert;

import java.nio.file.Path;

/**
 * What converting one file gave.
 *
 * @param input the log
 * @param output the CSV written (null when nothing was written)
 * @param rows CSV rows written (records or events, or messages when split)
 * @param items records or events read
 * @param bytes size of the input
 * @param nanos time taken
 * @param truncated the file ended inside a record or event
 * @param leftoverBytes bytes after the last complete one
 * @param flagged records whose PD block had an unknown length
 * @param error why the file failed, or null; rows read before a corrupt block are still written
 */
public record ConversionResult(
    Path input,
    Path output,
    long rows,
    long items,
    long bytes,
    long nanos,
    boolean truncated,
    int leftoverBytes,
    int flagged,
    String error,
    Insight insight) {

  /**
   * What the same pass gathered for the insight summary: a log's tally and header time, or what an
   * events file says of the match (the other null).
   */
  public record Insight(
      java.time.Instant start,
      dev.caravan.insight.PowerTally tally,
      dev.caravan.insight.MatchInfo match) {}

  /** The same result, failed with {@code error} (a later step, such as the Parquet, failed). */
  public ConversionResult withError(String error) {
    return new ConversionResult(
        input,
        output,
        rows,
        items,
        bytes,
        nanos,
        truncated,
        leftoverBytes,
        flagged,
        error,
        insight);
  }

  public boolean failed() {
    return error != null;
  }

  /** Input megabytes (10^6) per second. */
  public double megabytesPerSecond() {
    return nanos == 0 ? 0 : bytes * 1e3 / nanos;
  }
}
