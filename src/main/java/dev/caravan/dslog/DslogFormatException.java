package dev.caravan.dslog;

import java.io.IOException;

/**
 * A Driver Station log that cannot be read as such. The message names the file, the byte offset and
 * the cause; {@link #problem()} says which kind of problem it is, for callers that record it.
 */
public final class DslogFormatException extends IOException {

  /** What is wrong with the input. */
  public enum Problem {
    /** Fewer bytes than the 20-byte header. */
    TOO_SHORT,
    /** A version other than 3 or 4. */
    UNKNOWN_VERSION,
    /** A timestamp that cannot be a real time (before 1904 or after 9999). */
    BAD_TIMESTAMP,
    /** A length word that cannot be right: it runs past the end of the file, or is negative. */
    CORRUPT,
    /** Not this format at all: a {@code .wpilog} without its {@code WPILOG} magic, say. */
    NOT_THIS_FORMAT
  }

  private final Problem problem;
  private final String source;
  private final long offset;

  public DslogFormatException(Problem problem, String source, long offset, String detail) {
    super(source + " at byte " + offset + ": " + detail);
    this.problem = problem;
    this.source = source;
    this.offset = offset;
  }

  public Problem problem() {
    return problem;
  }

  /** The file (or stream) name given to the reader. */
  public String source() {
    return source;
  }

  /** Byte offset from the start of the file where the problem was found. */
  public long offset() {
    return offset;
  }
}
