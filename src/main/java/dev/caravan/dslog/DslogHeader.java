package dev.caravan.dslog;

import java.time.Instant;

/**
 * The 20-byte header shared by {@code .dslog} and {@code .dsevents}: format version and the time
 * the file was started.
 *
 * @param version 3 or 4
 * @param lvSeconds raw LabVIEW seconds since 1904
 * @param lvFraction raw LabVIEW fraction (unsigned, 2^-64 s)
 * @param start the start time, UTC, to the nanosecond (truncated)
 */
public record DslogHeader(int version, long lvSeconds, long lvFraction, Instant start) {

  /** Bytes in the header. */
  public static final int SIZE = 20;
}
