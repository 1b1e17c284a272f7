package dev.caravan.dslog;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;

/**
 * A streaming reader of one log file ({@code .dslog} records, {@code .dsevents} entries, {@code
 * .wpilog} data records): what {@code convert} and the decode routes share, so neither asks which
 * kind it holds. A subclass reads and checks its header in its constructor; {@link #next()} returns
 * items until the end, and an item cut short by the end of the file ends the stream quietly,
 * reported by {@link #truncated()}.
 *
 * @param <T> what one step of the file decodes to
 */
public abstract class LogReader<T> implements Closeable, Iterable<T> {

  protected final String source;
  protected final InputBuffer in;
  private final InputStream closeable;

  /** Items returned so far. */
  protected int count;

  /** True once the end (or an error) was met: {@link #next()} returns null from then on. */
  protected boolean done;

  private boolean truncated;
  private int leftoverBytes;

  /**
   * @param closeable closed with the reader (null for bytes in memory)
   */
  protected LogReader(InputBuffer in, InputStream closeable, String source) {
    this.in = in;
    this.closeable = closeable;
    this.source = source;
  }

  /**
   * The next item, or null at the end of the file. A corrupt file throws {@link
   * DslogFormatException}.
   */
  public abstract T next() throws IOException;

  /** What was read, for the ledger: {@code "13430 records"}, with truncation when there was one. */
  public abstract String describe();

  /**
   * The end of the file: what is left after the last complete item says whether it was cut short.
   */
  protected final T end() throws IOException {
    done = true;
    leftoverBytes = (int) Math.min(in.drain(), Integer.MAX_VALUE);
    truncated = leftoverBytes > 0;
    return null;
  }

  /** What the file is called in messages. */
  public final String source() {
    return source;
  }

  /** Items returned so far. */
  public final int count() {
    return count;
  }

  /** True when the file ended inside an item (a log still being written, or a crash). */
  public final boolean truncated() {
    return truncated;
  }

  /** Bytes after the last complete item, when {@link #truncated()}. */
  public final int leftoverBytes() {
    return leftoverBytes;
  }

  /** Bytes consumed so far. */
  public final long offset() {
    return in.offset();
  }

  /** The truncation part of {@link #describe()}: empty, or what was left after the last item. */
  protected final String truncation() {
    return truncated ? " (truncated: " + leftoverBytes + " bytes after the last complete one)" : "";
  }

  @Override
  public final void close() throws IOException {
    if (closeable != null) {
      closeable.close();
    }
  }

  /**
   * The remaining items, once. A format error surfaces as {@link MalformedLogException}, another
   * I/O error as {@link java.io.UncheckedIOException}.
   */
  @Override
  public final Iterator<T> iterator() {
    return new ReaderIterator<>(this::next);
  }
}
