package dev.caravan.dslog;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Streams the records of a {@code .dslog} (v3 or v4), one at a time, in bounded memory.
 *
 * <p>The header is read and checked by the constructor. {@link #next()} returns records until the
 * end of the file; a last record cut short ends the stream quietly and is reported by {@link
 * #truncated()} and {@link #leftoverBytes()}. A PD length word other than 0, 25 or 33 is skipped by
 * its length and the record flagged ({@link PdType#UNKNOWN}); one that runs past the end of the
 * file throws {@link DslogFormatException} ({@link DslogFormatException.Problem#CORRUPT}) after the
 * records before it were returned.
 */
public final class DslogReader extends LogReader<DslogRecord> {

  private final DslogHeader header;

  private static final int COMMON = 10;
  private static final int V3_RECORD = 35;
  private static final int CTRE_LENGTH = 25;
  private static final int REV_LENGTH = 33;
  private static final short[] NO_CURRENTS = new short[0];

  private int flaggedCount;

  /** Reads from a stream; {@code source} names it in messages. Closing the reader closes it. */
  public DslogReader(InputStream stream, String source) throws IOException {
    this(new InputBuffer(stream, InputBuffer.DEFAULT_SIZE), stream, source);
  }

  /** Reads a whole file already in memory (the fast path for small files). */
  public DslogReader(byte[] content, String source) throws IOException {
    this(new InputBuffer(content, content.length), null, source);
  }

  private DslogReader(InputBuffer in, InputStream closeable, String source) throws IOException {
    super(in, closeable, source);
    try {
      this.header = HeaderReader.read(in, source, "dslog");
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  public DslogHeader header() {
    return header;
  }

  /** Opens a file for streaming. */
  public static DslogReader open(Path file) throws IOException {
    return new DslogReader(Files.newInputStream(file), file.toString());
  }

  /** The next record, or null at the end of the file. */
  @Override
  public DslogRecord next() throws IOException {
    if (done) {
      return null;
    }
    InputBuffer b = in;
    long offset = b.offset();
    int recordLength = header.version() == 3 ? V3_RECORD : COMMON + 4;
    if (!b.request(recordLength)) {
      return end();
    }
    int p = b.pos;
    int pdLength;
    int pdStart;
    if (header.version() == 3) {
      pdLength = CTRE_LENGTH;
      pdStart = p + COMMON;
    } else {
      int word = b.i32(p + COMMON);
      if (word == 0 || word == CTRE_LENGTH || word == REV_LENGTH) {
        pdLength = word;
        recordLength += word;
        if (!b.request(recordLength)) {
          return end();
        }
        p = b.pos; // the window may have moved
        pdStart = p + COMMON + 4;
      } else {
        return skipUnknown(p, offset, word & 0xFFFF_FFFFL);
      }
    }
    DslogRecord r = decode(b, p, offset, pdLength, pdStart);
    b.pos = p + recordLength;
    return r;
  }

  private DslogRecord decode(InputBuffer b, int p, long offset, int pdLength, int pdStart) {
    byte[] a = b.buf;
    int trip = a[p] & 0xFF;
    int loss = a[p + 1];
    int volts = (a[p + 2] & 0xFF) << 8 | (a[p + 3] & 0xFF);
    int cpu = a[p + 4] & 0xFF;
    int status = a[p + 5] & 0xFF;
    int can = a[p + 6] & 0xFF;
    int wifi = a[p + 7] & 0xFF;
    int bandwidth = (a[p + 8] & 0xFF) << 8 | (a[p + 9] & 0xFF);
    int index = count++;
    if (pdLength == CTRE_LENGTH) {
      short[] currents = new short[16];
      ctreFrame(b.i64(pdStart + 1), currents, 0, 6);
      ctreFrame(b.i64(pdStart + 9), currents, 6, 6);
      ctreFrame(b.i64(pdStart + 17), currents, 12, 4);
      return new DslogRecord(
          header,
          index,
          offset,
          trip,
          loss,
          volts,
          cpu,
          status,
          can,
          wifi,
          bandwidth,
          PdType.CTRE,
          pdLength,
          a[pdStart] & 0xFF,
          currents,
          a[pdStart + 22] & 0xFF,
          a[pdStart + 23] & 0xFF,
          a[pdStart + 24] & 0xFF,
          -1);
    }
    if (pdLength == REV_LENGTH) {
      short[] currents = new short[24];
      int flags = 0;
      for (int frame = 0; frame < 3; frame++) {
        int at = pdStart + 1 + frame * 8;
        flags |= revWord(leU32(a, at), currents, frame * 6) << (frame * 4);
        flags |= revWord(leU32(a, at + 4), currents, frame * 6 + 3) << (frame * 4 + 2);
      }
      int s3 =
          (a[pdStart + 25] & 0xFF) | (a[pdStart + 26] & 0xFF) << 8 | (a[pdStart + 27] & 0xFF) << 16;
      currents[18] = (short) ((s3 & 0x3FF) << 1);
      currents[19] = (short) (((s3 >>> 10) & 0x3FF) << 1);
      flags |= ((s3 >>> 20) & 0xF) << 12;
      for (int ch = 20; ch < 24; ch++) {
        currents[ch] = (short) (a[pdStart + 8 + ch] & 0xFF); // bytes 28-31, already in 1/16 A
      }
      flags |= (a[pdStart + 32] & 0xFF) << 16;
      return new DslogRecord(
          header,
          index,
          offset,
          trip,
          loss,
          volts,
          cpu,
          status,
          can,
          wifi,
          bandwidth,
          PdType.REV,
          pdLength,
          a[pdStart] & 0xFF,
          currents,
          -1,
          -1,
          -1,
          flags);
    }
    PdType type = pdLength == 0 ? PdType.NONE : PdType.UNKNOWN;
    return new DslogRecord(
        header,
        index,
        offset,
        trip,
        loss,
        volts,
        cpu,
        status,
        can,
        wifi,
        bandwidth,
        type,
        pdLength,
        -1,
        NO_CURRENTS,
        -1,
        -1,
        -1,
        -1);
  }

  /**
   * A PD block of unknown length: skip it by its length and flag the record if the file holds it;
   * otherwise the file is corrupt (guessing where the next record starts would make up data).
   */
  private DslogRecord skipUnknown(int p, long offset, long length) throws IOException {
    DslogRecord r = decode(in, p, offset, (int) Math.min(length, Integer.MAX_VALUE), -1);
    in.pos = p + COMMON + 4;
    long skipped = in.skip(length);
    if (skipped < length) {
      done = true;
      count--;
      throw new DslogFormatException(
          DslogFormatException.Problem.CORRUPT,
          source,
          offset + COMMON,
          String.format(
              "record %d has a PD length word of %d (expected 0, 25 or 33) that runs past the end"
                  + " of the file (%d bytes follow it); the %d records before it are good",
              count, length, skipped, count));
    }
    flaggedCount++;
    return r;
  }

  /** CTRE frames: 10-bit currents MSB-first from the top of a big-endian word, in 1/8 A. */
  private static void ctreFrame(long word, short[] currents, int first, int n) {
    for (int k = 0; k < n; k++) {
      currents[first + k] = (short) (((word >>> (54 - 10 * k)) & 0x3FF) << 1);
    }
  }

  /** REV word: three 10-bit currents LSB-first (1/8 A), then two flag bits, which it returns. */
  private static int revWord(int word, short[] currents, int first) {
    currents[first] = (short) ((word & 0x3FF) << 1);
    currents[first + 1] = (short) (((word >>> 10) & 0x3FF) << 1);
    currents[first + 2] = (short) (((word >>> 20) & 0x3FF) << 1);
    return word >>> 30;
  }

  private static int leU32(byte[] a, int at) {
    return (a[at] & 0xFF)
        | (a[at + 1] & 0xFF) << 8
        | (a[at + 2] & 0xFF) << 16
        | (a[at + 3] & 0xFF) << 24;
  }

  @Override
  public String describe() {
    String d = count + " records";
    if (flaggedCount > 0) {
      d += ", " + flaggedCount + " with a PD block of unknown length";
    }
    return d + truncation();
  }

  /** Records whose PD block had an unknown length and was skipped. */
  public int flaggedCount() {
    return flaggedCount;
  }
}
