package dev.caravan.dslog;

import java.nio.file.Path;
import java.util.Locale;

/** The two Driver Station file types, told apart by their extension. */
public enum LogKind {
  DSLOG(".dslog", ".csv"),
  DSEVENTS(".dsevents", ".events.csv");

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

  /** {@code NAME.dslog} → {@code NAME.csv}, {@code NAME.dsevents} → {@code NAME.events.csv}. */
  public String csvName(String fileName) {
    return fileName.substring(0, fileName.length() - extension.length()) + csvSuffix;
  }
}
