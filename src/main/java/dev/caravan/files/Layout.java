package dev.caravan.files;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/**
 * Where an artifact goes under a destination's base: {@code YYYY/MM/DD/NAME} by a DS log's header
 * time in UTC (the day it was taken for other files), and nothing that could climb out of the base.
 */
public final class Layout {

  private Layout() {}

  public static String day(Instant logStart) {
    ZonedDateTime day = (logStart == null ? Instant.now() : logStart).atZone(ZoneOffset.UTC);
    return String.format("%04d/%02d/%02d", day.getYear(), day.getMonthValue(), day.getDayOfMonth());
  }

  /** {@code x.v1.csv}, then {@code x (2).v1.csv}, {@code x (3).v1.csv}… */
  public static String numbered(String fileName, int n) {
    if (n == 1) {
      return fileName;
    }
    int dot = fileName.indexOf('.');
    String stem = dot > 0 ? fileName.substring(0, dot) : fileName;
    String ext = dot > 0 ? fileName.substring(dot) : "";
    return stem + " (" + n + ")" + ext;
  }

  /**
   * A name that stays one path element: separators, NUL and control characters become {@code _},
   * and {@code .}/{@code ..} are refused.
   */
  public static String safeName(String name) {
    StringBuilder s = new StringBuilder(name.length());
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      s.append(c == '/' || c == '\\' || c < 0x20 || c == 0x7f ? '_' : c);
    }
    String safe = s.toString();
    if (safe.isEmpty() || safe.equals(".") || safe.equals("..")) {
      throw new IllegalArgumentException("not a file name: '" + name + "'");
    }
    return safe;
  }
}
