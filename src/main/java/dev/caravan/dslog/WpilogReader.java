package dev.caravan.dslog;

import dev.caravan.dslog.DslogFormatException.Problem;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Streams the data records of a WPILib data log ({@code .wpilog}, format 1.x: WPILib's {@code
 * wpiutil/doc/datalog.adoc}), one at a time, in bounded memory. Control records (Start, Finish, Set
 * Metadata) are applied as they come and not returned. All numbers are little endian.
 *
 * <p>A record cut short by the end of the file ends the stream quietly ({@link #truncated()}); a
 * payload longer than {@link #MAX_PAYLOAD_BYTES} or a control record whose strings run past its
 * payload throws {@link DslogFormatException} with the byte offset, after the records before it
 * were returned. A data record for an entry that was never started is counted ({@link #orphans()})
 * and skipped: its type is unknown.
 */
public final class WpilogReader extends LogReader<WpilogRecord> {

  /** Longest payload accepted for one record (a camera frame fits; a corrupt length does not). */
  public static final int MAX_PAYLOAD_BYTES = 16 * 1024 * 1024;

  private static final byte[] MAGIC = "WPILOG".getBytes(StandardCharsets.US_ASCII);

  private final int version;
  private final String extraHeader;
  private final Map<Integer, WpilogRecord.Entry> entries = new HashMap<>();
  private final WpilogStructs structs = new WpilogStructs();
  private int orphans;

  public WpilogReader(InputStream stream, String source) throws IOException {
    this(new InputBuffer(stream, InputBuffer.DEFAULT_SIZE), stream, source);
  }

  public WpilogReader(byte[] content, String source) throws IOException {
    this(new InputBuffer(content, content.length), null, source);
  }

  private WpilogReader(InputBuffer in, InputStream closeable, String source) throws IOException {
    super(in, closeable, source);
    try {
      if (!in.request(12)) {
        throw new DslogFormatException(
            Problem.TOO_SHORT, source, 0, "shorter than the 12-byte WPILOG header");
      }
      for (int i = 0; i < MAGIC.length; i++) {
        if (in.buf[in.pos + i] != MAGIC[i]) {
          throw new DslogFormatException(
              Problem.NOT_THIS_FORMAT, source, 0, "no WPILOG magic: not a WPILib data log");
        }
      }
      version = le16(in.pos + 6);
      if (version >> 8 != 1) {
        throw new DslogFormatException(
            Problem.UNKNOWN_VERSION,
            source,
            6,
            String.format("WPILOG version %d.%d; only 1.x is known", version >> 8, version & 0xFF));
      }
      long extra = le32(in.pos + 8);
      if (extra > MAX_PAYLOAD_BYTES) {
        throw new DslogFormatException(
            Problem.CORRUPT, source, 8, "extra header of " + extra + " bytes claimed");
      }
      if (!in.request(12 + (int) extra)) {
        throw new DslogFormatException(
            Problem.CORRUPT, source, 8, "extra header of " + extra + " bytes runs past the end");
      }
      extraHeader = new String(in.buf, in.pos + 12, (int) extra, StandardCharsets.UTF_8);
      in.pos += 12 + (int) extra;
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  public static WpilogReader open(Path file) throws IOException {
    return new WpilogReader(Files.newInputStream(file), file.toString());
  }

  /** The format version, {@code 0x0100} for 1.0. */
  public int version() {
    return version;
  }

  /** The writer's free text after the header (often JSON or empty). */
  public String extraHeader() {
    return extraHeader;
  }

  /** Data records skipped because their entry was never started. */
  public int orphans() {
    return orphans;
  }

  @Override
  public WpilogRecord next() throws IOException {
    while (!done) {
      long offset = in.offset();
      if (!in.request(1)) {
        return end();
      }
      int bits = in.buf[in.pos] & 0xFF;
      int idLength = (bits & 0x3) + 1;
      int sizeLength = ((bits >> 2) & 0x3) + 1;
      int timeLength = ((bits >> 4) & 0x7) + 1;
      int head = 1 + idLength + sizeLength + timeLength;
      if (!in.request(head)) {
        return end();
      }
      int p = in.pos + 1;
      long id = leN(p, idLength);
      long size = leN(p + idLength, sizeLength);
      long timestamp = leN(p + idLength + sizeLength, timeLength);
      if (timeLength == 8 && timestamp < 0) {
        timestamp = timestamp & Long.MAX_VALUE; // an unsigned 64-bit count of microseconds
      }
      if (size > MAX_PAYLOAD_BYTES) {
        done = true;
        throw new DslogFormatException(
            Problem.CORRUPT,
            source,
            offset,
            "record "
                + count
                + " claims a payload of "
                + size
                + " bytes (at most "
                + MAX_PAYLOAD_BYTES
                + " accepted); the records before it are good");
      }
      if (!in.request(head + (int) size)) {
        return end();
      }
      int payload = in.pos + head;
      in.pos = payload + (int) size;
      if (id == 0) {
        control(offset, payload, (int) size, timestamp);
        continue;
      }
      WpilogRecord.Entry entry = entries.get((int) id);
      if (entry == null) {
        orphans++;
        continue;
      }
      byte[] data = new byte[(int) size];
      System.arraycopy(in.buf, payload, data, 0, (int) size);
      if (entry.type().equals("structschema")) {
        structs.publish(entry.name(), data);
      }
      return new WpilogRecord(count++, offset, timestamp, entry, data, structs);
    }
    return null;
  }

  /** Start, Finish or Set Metadata; an unknown control type is skipped (a newer minor version). */
  private void control(long offset, int p, int size, long timestamp) throws DslogFormatException {
    if (size < 5) {
      throw corrupt(offset, "control record of " + size + " bytes, shorter than its type and id");
    }
    int type = in.buf[p] & 0xFF;
    int id = (int) le32(p + 1);
    int at = p + 5;
    int end = p + size;
    switch (type) {
      case 0 -> {
        String[] s = new String[3];
        for (int i = 0; i < 3; i++) {
          if (at + 4 > end) {
            throw corrupt(offset, "Start record for entry " + id + " ends inside its strings");
          }
          long length = le32(at);
          at += 4;
          if (length > end - at) {
            throw corrupt(
                offset,
                "Start record for entry "
                    + id
                    + " has a string of "
                    + length
                    + " bytes past its end");
          }
          s[i] = new String(in.buf, at, (int) length, StandardCharsets.UTF_8);
          at += (int) length;
        }
        entries.put(id, new WpilogRecord.Entry(id, s[0], s[1], s[2], timestamp));
      }
      case 1 -> entries.remove(id);
      case 2 -> {
        if (at + 4 > end || le32(at) > end - at - 4) {
          throw corrupt(offset, "Set Metadata record for entry " + id + " runs past its end");
        }
        WpilogRecord.Entry e = entries.get(id);
        if (e != null) {
          String metadata = new String(in.buf, at + 4, (int) le32(at), StandardCharsets.UTF_8);
          entries.put(id, new WpilogRecord.Entry(id, e.name(), e.type(), metadata, e.started()));
        }
      }
      default -> {
        // not in format 1.0: skipped
      }
    }
  }

  private DslogFormatException corrupt(long offset, String detail) {
    done = true;
    return new DslogFormatException(Problem.CORRUPT, source, offset, detail);
  }

  @Override
  public String describe() {
    String d = count + " records";
    if (orphans > 0) {
      d += ", " + orphans + " of entries never started (skipped)";
    }
    return d + truncation();
  }

  private int le16(int at) {
    return (in.buf[at] & 0xFF) | (in.buf[at + 1] & 0xFF) << 8;
  }

  private long le32(int at) {
    return leN(at, 4);
  }

  private long leN(int at, int n) {
    long v = 0;
    for (int i = n - 1; i >= 0; i--) {
      v = v << 8 | (in.buf[at + i] & 0xFF);
    }
    return v;
  }
}
