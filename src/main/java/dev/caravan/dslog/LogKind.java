package dev.caravan.dslog;

import java.nio.file.Path;
import java.util.Locale;

/** The log files Caravan decodes, told apart by their extension. */
public enum LogKind {
  /** Driver Station records. */
  DSLOG(".dslog", ".csv"),
  /** Driver Station events. */
  DSEVENTS(".dsevents", ".events.csv"),
  /** A WPILib data log (the 2027 Driver Station's, a robot program's DataLogManager). */
  WPILOG(".wpilog", ".wpilog.csv");

  private final String extension;
  private final String csvSuffix;

  LogKind(String extension, String csvSuffix) {
    this.extension = extension;
    this.csvSuffix = csvSuffix;
  }

  /** {@code .dslog} or {@code .dsevents}. */
  public String extension() {
    return extension;
  }

  /** The kind of {@code file}, or null if it is neither. */
  public static LogKind of(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    for (LogKind k : values()) {
      if (name.endsWith(k.extension) && name.length() > k.extension.length()) {
        return k;
      }
    }
    return null;
  }

  /**
   * What the CSV of this kind is called as an artifact (in the ledger, and for its column types):
   * {@code csv}, {@code events.csv}, {@code wpilog.csv}.
   */
  public String csvArtifact() {
    return csvSuffix.substring(1);
  }

  /**
   * {@code NAME.dslog} → {@code NAME.csv}, {@code NAME.dsevents} → {@code NAME.events.csv}, {@code
   * NAME.wpilog} → {@code NAME.wpilog.csv}.
   */
  public String csvName(String fileName) {
    return fileName.substring(0, fileName.length() - extension.length()) + csvSuffix;
  }
}
