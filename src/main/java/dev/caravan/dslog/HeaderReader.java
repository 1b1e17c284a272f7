package dev.caravan.dslog;

import java.io.IOException;

/** Reads and checks the 20-byte header of both file types (format doc §2.2). */
final class HeaderReader {

  private HeaderReader() {}

  static DslogHeader read(InputBuffer in, String source, String kind) throws IOException {
    if (!in.request(DslogHeader.SIZE)) {
      throw new DslogFormatException(
          DslogFormatException.Problem.TOO_SHORT,
          source,
          0,
          "the file is "
              + in.available()
              + " bytes long, shorter than the 20-byte ."
              + kind
              + " header");
    }
    int p = in.pos;
    int version = in.i32(p);
    if (version != 3 && version != 4) {
      throw new DslogFormatException(
          DslogFormatException.Problem.UNKNOWN_VERSION,
          source,
          0,
          "unknown ."
              + kind
              + " version "
              + version
              + " (only 3, the 2016-2021 layout, and 4, the 2022-2026 layout, are known)");
    }
    long seconds = in.i64(p + 4);
    long fraction = in.i64(p + 12);
    if (!LabViewTime.isPlausible(seconds)) {
      throw new DslogFormatException(
          DslogFormatException.Problem.BAD_TIMESTAMP,
          source,
          4,
          "header timestamp " + seconds + " s since 1904 is not a time between 1904 and 9999");
    }
    in.pos = p + DslogHeader.SIZE;
    return new DslogHeader(version, seconds, fraction, LabViewTime.toInstant(seconds, fraction));
  }
}
