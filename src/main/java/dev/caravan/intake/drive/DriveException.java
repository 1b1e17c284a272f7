package dev.caravan.intake.drive;

import java.io.IOException;

/** Drive refused or failed a call; the message says which call, the cause and what to do. */
public class DriveException extends IOException {

  /** The kind of failure, for the log, the health check and the counters. */
  public enum Kind {
    AUTH,
    NOT_FOUND,
    FORBIDDEN,
    RATE_LIMIT,
    DAILY_QUOTA,
    SERVER,
    CONNECTION,
    MISMATCH,
    CONFIGURATION
  }

  private final Kind kind;

  public DriveException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
