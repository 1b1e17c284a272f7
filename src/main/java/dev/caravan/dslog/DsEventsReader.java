package dev.caravan.dslog;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Streams the entries of a {@code .dsevents} file (v3 and v4 share the layout), one at a time. An
 * entry cut short by the end of the file ends the stream quietly, reported by {@link #truncated()}
 * and {@link #leftoverBytes()}; a negative or absurd text length throws {@link
 * DslogFormatException} after the entries before it were returned.
 */
public final class DsEventsReader extends LogReader<DsEvent> {

  private final DslogHeader header;

  /** Longest text accepted for one entry; the largest seen is 21,721 bytes. */
  public static final int MAX_TEXT_BYTES = 16 * 1024 * 1024;

  private static final int ENTRY_HEAD = 20;
  private static final long MAX_SECONDS_FROM_HEADER = 9_000_000_000L;

  public DsEventsReader(InputStream stream, String source) throws IOException {
    this(new InputBuffer(stream, InputBuffer.DEFAULT_SIZE), stream, source);
  }

  public DsEventsReader(byte[] content, String source) throws IOException {
    this(new InputBuffer(content, content.length), null, source);
  }

  private DsEventsReader(InputBuffer in, InputStream closeable, String source) throws IOException {
    super(in, closeable, source);
    try {
      this.header = HeaderReader.read(in, source, "dsevents");
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  public DslogHeader header() {
    return header;
  }

  public static DsEventsReader open(Path file) throws IOException {
    return new DsEventsReader(Files.newInputStream(file), file.toString());
  }

  /** The next entry, or null at the end of the file. */
  @Override
  public DsEvent next() throws IOException {
    if (done) {
      return null;
    }
    long offset = in.offset();
    if (!in.request(ENTRY_HEAD)) {
      return end();
    }
    int p = in.pos;
    long seconds = in.i64(p);
    long fraction = in.i64(p + 8);
    int length = in.i32(p + 16);
    // More than ~285 years from the header is no event time (and would overflow nanoseconds).
    if (!LabViewTime.isPlausible(seconds)
        || Math.abs(seconds - header.lvSeconds()) > MAX_SECONDS_FROM_HEADER) {
      done = true;
      throw new DslogFormatException(
          DslogFormatException.Problem.BAD_TIMESTAMP,
          source,
          offset,
          "event " + count + " has timestamp " + seconds + " s since 1904, not a real time");
    }
    if (length < 0 || length > MAX_TEXT_BYTES) {
      done = true;
      throw new DslogFormatException(
          DslogFormatException.Problem.CORRUPT,
          source,
          offset + 16,
          "event "
              + count
              + " has a text length of "
              + (length & 0xFFFF_FFFFL)
              + " bytes (at most "
              + MAX_TEXT_BYTES
              + " accepted); the "
              + count
              + " events before it are good");
    }
    if (!in.request(ENTRY_HEAD + length)) {
      return end();
    }
    p = in.pos;
    String text = new String(in.buf, p + ENTRY_HEAD, length, StandardCharsets.ISO_8859_1);
    in.pos = p + ENTRY_HEAD + length;
    Instant time = LabViewTime.toInstant(seconds, fraction);
    long rel =
        (seconds - header.lvSeconds()) * 1_000_000_000L
            + (time.getNano() - header.start().getNano());
    return new DsEvent(count++, offset, time, rel, text);
  }

  @Override
  public String describe() {
    return count + " events" + truncation();
  }
}
