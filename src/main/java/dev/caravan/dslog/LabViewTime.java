package dev.caravan.dslog;

import java.time.Instant;

/**
 * LabVIEW timestamps: signed whole seconds since 1904-01-01T00:00:00Z and an unsigned 64-bit
 * fraction of a second in units of 2^-64 s.
 */
public final class LabViewTime {

  /** Seconds from 1904-01-01 to 1970-01-01. */
  public static final long EPOCH_OFFSET_SECONDS = 2_082_844_800L;

  /** 9999-12-31T23:59:59Z in LabVIEW seconds: anything later is garbage, not a log time. */
  static final long MAX_SECONDS = 253_402_300_799L + EPOCH_OFFSET_SECONDS;

  private LabViewTime() {}

  /**
   * Nanoseconds of the fraction, exactly: floor(fraction × 10^9 / 2^64) with the fraction read
   * unsigned. Java 17 lacks {@code Math.unsignedMultiplyHigh}; this is its definition for a
   * positive multiplier.
   */
  public static int fractionToNanos(long fraction) {
    final long billion = 1_000_000_000L;
    return (int) (Math.multiplyHigh(fraction, billion) + ((fraction >> 63) & billion));
  }

  /** True when the seconds field can be a real time (1904 to 9999). */
  public static boolean isPlausible(long seconds) {
    return seconds >= 0 && seconds <= MAX_SECONDS;
  }

  /** The instant; the caller has checked {@link #isPlausible(long)}. */
  public static Instant toInstant(long seconds, long fraction) {
    return Instant.ofEpochSecond(seconds - EPOCH_OFFSET_SECONDS, fractionToNanos(fraction));
  }
}
