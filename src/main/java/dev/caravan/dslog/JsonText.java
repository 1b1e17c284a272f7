package dev.caravan.dslog;

/** A JSON string literal, for the little JSON Caravan writes by hand (summaries, array values). */
public final class JsonText {

  private JsonText() {}

  /** Appends {@code s} to {@code j} as a quoted JSON string. */
  public static void quote(StringBuilder j, String s) {
    j.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> j.append("\\\"");
        case '\\' -> j.append("\\\\");
        case '\n' -> j.append("\\n");
        case '\r' -> j.append("\\r");
        case '\t' -> j.append("\\t");
        default -> {
          if (c < 0x20) {
            j.append(String.format("\\u%04x", (int) c));
          } else {
            j.append(c);
          }
        }
      }
    }
    j.append('"');
  }
}
