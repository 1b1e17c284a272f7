package dev.caravan.dslog;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * One data record of a {@code .wpilog}: its entry, its timestamp in microseconds (the zero is the
 * writer's, on a robot its program start) and its payload.
 *
 * @param index the record's number among the data records, from 0
 * @param offset the byte offset of the record in the file
 * @param structs the struct schemas the log has published (read when the value is asked for)
 */
public record WpilogRecord(
    long index, long offset, long timestampUs, Entry entry, byte[] payload, WpilogStructs structs) {

  /**
   * An entry as its Start record (and the latest Set Metadata) described it.
   *
   * @param started the timestamp of its Start record
   */
  public record Entry(int id, String name, String type, String metadata, long started) {}

  /**
   * The value as text: numbers as Java prints them (shortest round-trip form), booleans as {@code
   * true}/{@code false}, strings as they are, arrays as JSON, a {@code struct:NAME} (or its array)
   * as a JSON object by the schema the log published ({@link WpilogStructs}), {@code raw} and any
   * other type (protobuf, a struct without its schema) as lower-case hex of the payload. A payload
   * whose length does not fit its type is given as hex too, prefixed {@code !}, so no byte is lost
   * and nothing is made up.
   */
  public String value() {
    ByteBuffer b = ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN);
    int n = payload.length;
    switch (entry.type()) {
      case "boolean":
        return n == 1 ? Boolean.toString(payload[0] != 0) : bad();
      case "int64":
        return n == 8 ? Long.toString(b.getLong()) : bad();
      case "float":
        return n == 4 ? Float.toString(b.getFloat()) : bad();
      case "double":
        return n == 8 ? Double.toString(b.getDouble()) : bad();
      case "string":
      case "json":
      case "structschema":
        return new String(payload, StandardCharsets.UTF_8);
      case "boolean[]":
        return array(b, 1, x -> Boolean.toString(x.get() != 0));
      case "int64[]":
        return array(b, 8, x -> Long.toString(x.getLong()));
      case "float[]":
        return array(b, 4, x -> json(x.getFloat()));
      case "double[]":
        return array(b, 8, x -> json(x.getDouble()));
      case "string[]":
        return stringArray(b);
      default:
        if (entry.type().startsWith("struct:") && structs != null) {
          String decoded = structs.decode(entry.type(), payload);
          if (decoded != null) {
            return decoded;
          }
        }
        return HexFormat.of().formatHex(payload);
    }
  }

  /** A JSON array of the payload's items of {@code width} bytes, each printed by {@code item}. */
  private String array(
      ByteBuffer b, int width, java.util.function.Function<ByteBuffer, String> item) {
    if (payload.length % width != 0) {
      return bad();
    }
    StringBuilder s = new StringBuilder("[");
    for (int i = 0; i < payload.length / width; i++) {
      s.append(i == 0 ? "" : ",").append(item.apply(b));
    }
    return s.append(']').toString();
  }

  /** A string[] payload: a 4-byte count, then each string as a 4-byte length and UTF-8 bytes. */
  private String stringArray(ByteBuffer b) {
    if (b.remaining() < 4) {
      return bad();
    }
    long count = b.getInt() & 0xFFFF_FFFFL;
    StringBuilder s = new StringBuilder("[");
    for (long i = 0; i < count; i++) {
      if (b.remaining() < 4) {
        return bad();
      }
      long length = b.getInt() & 0xFFFF_FFFFL;
      if (length > b.remaining()) {
        return bad();
      }
      byte[] text = new byte[(int) length];
      b.get(text);
      s.append(i == 0 ? "" : ",").append(quote(new String(text, StandardCharsets.UTF_8)));
    }
    return b.hasRemaining() ? bad() : s.append(']').toString();
  }

  private String bad() {
    return "!" + HexFormat.of().formatHex(payload);
  }

  /** JSON has no NaN or infinities: they are written as strings. */
  private static String json(double d) {
    return Double.isFinite(d) ? Double.toString(d) : "\"" + d + "\"";
  }

  private static String json(float f) {
    return Float.isFinite(f) ? Float.toString(f) : "\"" + f + "\"";
  }

  private static String quote(String s) {
    StringBuilder q = new StringBuilder(s.length() + 2);
    JsonText.quote(q, s);
    return q.toString();
  }
}
