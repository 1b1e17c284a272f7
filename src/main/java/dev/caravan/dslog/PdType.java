package dev.caravan.dslog;

/** Which power-distribution block a record carries, chosen per record from its length word. */
public enum PdType {
  /** No PD block (length 0): normal before a robot connects. */
  NONE("none"),
  /** CTRE Power Distribution Panel: 25 bytes, 16 channels. */
  CTRE("ctre"),
  /** REV Power Distribution Hub: 33 bytes, 24 channels. */
  REV("rev"),
  /** A block of a length we do not know; skipped by its length and the record flagged. */
  UNKNOWN("unknown");

  private final String label;

  PdType(String label) {
    this.label = label;
  }

  /** The lower-case name used in CSV ({@code unknown} is followed by {@code :N} there). */
  public String label() {
    return label;
  }

  /** Number of current channels the block carries. */
  public int channels() {
    return switch (this) {
      case CTRE -> 16;
      case REV -> 24;
      default -> 0;
    };
  }
}
