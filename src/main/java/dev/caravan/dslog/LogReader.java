package dev.caravan.dslog;

import java.io.Closeable;
import java.io.IOException;

/**
 * A streaming reader of one log file, {@code .dslog} records or {@code .dsevents} entries: what
 * {@code convert} and the decode routes share, so neither asks which kind it holds.
 *
 * @param <T> what one step of the file decodes to
 */
public interface LogReader<T> extends Closeable, Iterable<T> {

  /**
   * The next item, or null at the end of the file. A corrupt file throws {@link
   * DslogFormatException}.
   */
  T next() throws IOException;

  /** Items returned so far. */
  int count();

  /** True when the file ended inside an item (a log still being written, or a crash). */
  boolean truncated();

  /** Bytes after the last complete item, when {@link #truncated()}. */
  int leftoverBytes();

  /** What was read, for the ledger: {@code "13430 records"}, with truncation when there was one. */
  String describe();

  /** The truncation part of {@link #describe()}: empty, or what was left after the last item. */
  default String truncation() {
    return truncated()
        ? " (truncated: " + leftoverBytes() + " bytes after the last complete one)"
        : "";
  }
}
