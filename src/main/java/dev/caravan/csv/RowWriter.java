package dev.caravan.csv;

import java.io.Closeable;
import java.io.IOException;

/**
 * Writes the CSV rows of a log's items, {@code .dslog} records or {@code .dsevents} entries: the
 * one writer {@code convert} and the decode routes share.
 *
 * @param <T> the item a row (or rows) is made of
 */
public interface RowWriter<T> extends Closeable {

  void write(T item) throws IOException;

  /** Rows written so far. */
  long rows();

  /** Writes out what is buffered; the stream stays open. */
  void flush() throws IOException;
}
