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

  /** Bytes (UTF-8) a name may take: a file system allows 255, and temporary names add to it. */
  static final int MAX_NAME_BYTES = 180;

  private static final java.util.regex.Pattern WINDOWS_DEVICE =
      java.util.regex.Pattern.compile(
          "(?i)(CON|PRN|AUX|NUL|COM[0-9\u00b9\u00b2\u00b3]|LPT[0-9\u00b9\u00b2\u00b3])(\\..*)?");

  /**
   * A name that stays one path element on any file system a destination may sit on (Linux, a
   * Windows share, an S3 bucket synced to a laptop), and reads as what it is:
   *
   * <ul>
   *   <li>separators, their Unicode look-alikes ({@code ／ ∕ ⁄ ⧸ ＼}), NUL, control characters,
   *       invisible formatting and bidirectional overrides (which can make {@code exe.log} read as
   *       {@code gol.exe}) and the characters Windows refuses ({@code <>:"|?*}) become {@code _};
   *   <li>a Windows device name ({@code CON}, {@code NUL.txt}, {@code COM1}…) gets a leading {@code
   *       _}, and trailing dots and spaces (which Windows drops) become {@code _};
   *   <li>a name longer than 180 bytes is cut, keeping its extension, and marked with a hash of the
   *       whole name so two long names stay two;
   *   <li>a leading dot (which would hide the copy, and makes {@code .} and {@code ..}) becomes
   *       {@code _}, and an empty name {@code _}.
   * </ul>
   *
   * The ledger keeps the name as it was given.
   */
  public static String safeName(String name) {
    StringBuilder s = new StringBuilder(name.length());
    name.codePoints().forEach(c -> s.appendCodePoint(unsafe(c) ? '_' : c));
    // a leading dot would hide the copy (and "." and ".." are no names at all)
    String safe = s.isEmpty() ? "_" : s.charAt(0) == '.' ? "_" + s.substring(1) : s.toString();
    if (WINDOWS_DEVICE.matcher(safe).matches()) {
      safe = "_" + safe;
    }
    int end = safe.length();
    while (end > 0 && (safe.charAt(end - 1) == '.' || safe.charAt(end - 1) == ' ')) {
      end--;
    }
    safe = safe.substring(0, end) + "_".repeat(safe.length() - end);
    return shortened(safe, name);
  }

  private static boolean unsafe(int c) {
    return c == '/'
        || c == '\\'
        || "<>:\"|?*".indexOf(c) >= 0
        || Character.isISOControl(c)
        || Character.getType(c) == Character.FORMAT
        || c == 0x2215 // division slash
        || c == 0x2044 // fraction slash
        || c == 0x29F8 // big solidus
        || c == 0xFF0F // fullwidth solidus
        || c == 0xFF3C // fullwidth reverse solidus
        || c == 0x2024 // one dot leader
        || c == 0x2025; // two dot leader
  }

  /** Cut to {@link #MAX_NAME_BYTES}, the extension kept, a hash of the original name added. */
  private static String shortened(String safe, String original) {
    byte[] utf8 = safe.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    if (utf8.length <= MAX_NAME_BYTES) {
      return safe;
    }
    int dot = safe.lastIndexOf('.');
    String ext = dot > 0 && safe.length() - dot <= 16 ? safe.substring(dot) : "";
    String mark =
        "~"
            + java.util.HexFormat.of()
                .formatHex(
                    Sha256.digest()
                        .digest(original.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .substring(0, 12);
    int budget =
        MAX_NAME_BYTES
            - ext.getBytes(java.nio.charset.StandardCharsets.UTF_8).length
            - mark.length();
    StringBuilder stem = new StringBuilder();
    int bytes = 0;
    for (int i = 0; i < safe.length() - ext.length(); ) {
      int c = safe.codePointAt(i);
      int n = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4; // its UTF-8 bytes
      if (bytes + n > budget) {
        break;
      }
      stem.appendCodePoint(c);
      bytes += n;
      i += Character.charCount(c);
    }
    return stem + mark + ext;
  }
}
