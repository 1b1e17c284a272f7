package dev.caravan.dslog;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The struct schemas a {@code .wpilog} publishes (entries {@code /.schema/struct:NAME} of type
 * {@code structschema}) and the decoding of {@code struct:NAME} values by them, as WPILib's packed
 * struct format 1.0 lays them out ({@code wpiutil/doc/struct.adoc}): members in order, little
 * endian, no padding; fixed arrays; nested structs; {@code char} arrays as text; bit-fields packed
 * from the least significant bit into units of their type's width. Enum specifications are read
 * past (the number is given).
 */
public final class WpilogStructs {

  private static final Pattern DECLARATION =
      Pattern.compile(
          "\\s*(?:(?:enum)?\\s*\\{[^}]*\\})?\\s*(\\S+)\\s+([^\\s\\[:]+)\\s*"
              + "(?:\\[\\s*(\\d+)\\s*\\])?\\s*(?::\\s*(\\d+))?\\s*");

  private record Member(String type, String name, int count, int bits) {}

  private final Map<String, String> schemas = new HashMap<>();
  private final Map<String, List<Member>> parsed = new HashMap<>();
  private final Map<String, Integer> sizes = new HashMap<>();

  /** Takes a schema published under {@code /.schema/struct:NAME}. */
  void publish(String entryName, byte[] schema) {
    String prefix = "/.schema/struct:";
    if (entryName.startsWith(prefix)) {
      String name = entryName.substring(prefix.length());
      schemas.put(name, new String(schema, StandardCharsets.UTF_8));
      parsed.remove(name);
      sizes.clear(); // a struct's size depends on the structs it holds
    }
  }

  /**
   * The value of a {@code struct:NAME} (or {@code struct:NAME[]}) payload as JSON, or null when the
   * schema is missing, cannot be read, or does not match the payload's length.
   */
  String decode(String type, byte[] payload) {
    boolean array = type.endsWith("[]");
    String name = type.substring("struct:".length(), type.length() - (array ? 2 : 0));
    try {
      int size = size(name, 0);
      if (size <= 0 || (array ? payload.length % size != 0 : payload.length != size)) {
        return null;
      }
      StringBuilder j = new StringBuilder();
      if (array) {
        j.append('[');
        for (int at = 0; at < payload.length; at += size) {
          j.append(at == 0 ? "" : ",");
          walk(name, payload, at, j, 0);
        }
        return j.append(']').toString();
      }
      walk(name, payload, 0, j, 0);
      return j.toString();
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private List<Member> members(String name, int depth) {
    if (depth > 16) {
      throw new IllegalArgumentException("structs nested too deep (a cycle?)");
    }
    List<Member> m = parsed.get(name);
    if (m != null) {
      return m;
    }
    String schema = schemas.get(name);
    if (schema == null) {
      throw new IllegalArgumentException("no schema for " + name);
    }
    m = new ArrayList<>();
    for (String d : schema.split(";")) {
      if (d.isBlank()) {
        continue;
      }
      Matcher x = DECLARATION.matcher(d);
      if (!x.matches()) {
        throw new IllegalArgumentException("cannot read '" + d + "'");
      }
      int count = x.group(3) == null ? 1 : Integer.parseInt(x.group(3));
      int bits = x.group(4) == null ? 0 : Integer.parseInt(x.group(4));
      m.add(new Member(x.group(1), x.group(2), count, bits));
    }
    parsed.put(name, m);
    return m;
  }

  /** Bytes of a primitive type, or 0 for a struct name. */
  private static int width(String type) {
    return switch (type) {
      case "bool", "char", "int8", "uint8" -> 1;
      case "int16", "uint16" -> 2;
      case "int32", "uint32", "float", "float32" -> 4;
      case "int64", "uint64", "double", "float64" -> 8;
      default -> 0;
    };
  }

  /** The struct's size in bytes (walked once as decoding would, with no payload, then kept). */
  private int size(String name, int depth) {
    Integer known = sizes.get(name);
    if (known == null) {
      known = walk(name, null, 0, null, depth);
      sizes.put(name, known);
    }
    return known;
  }

  /**
   * Walks the members of {@code name} from {@code at}; with a payload, appends the JSON object to
   * {@code j}. Returns the bytes the struct takes.
   */
  private int walk(String name, byte[] p, int at, StringBuilder j, int depth) {
    int start = at;
    int unitWidth = 0; // the bit-field unit being filled, in bytes; 0 when none
    long unit = 0;
    int bitPos = 0;
    if (j != null) {
      j.append('{');
    }
    boolean first = true;
    for (Member m : members(name, depth)) {
      if (j != null) {
        j.append(first ? "" : ",");
        JsonText.quote(j, m.name());
        j.append(':');
      }
      first = false;
      int w = width(m.type());
      if (m.bits() > 0) {
        boolean bool = m.type().equals("bool");
        if (w == 0 || m.count() != 1 || m.bits() > w * 8 || (bool && m.bits() != 1)) {
          throw new IllegalArgumentException("bad bit-field " + m.name());
        }
        int uw = bool ? (unitWidth != 0 && bitPos + 1 <= unitWidth * 8 ? unitWidth : 1) : w;
        if (unitWidth != uw || bitPos + m.bits() > uw * 8) {
          unit = p == null ? 0 : le(p, at, uw);
          at += uw;
          unitWidth = uw;
          bitPos = 0;
        }
        long v = (unit >>> bitPos) & (m.bits() == 64 ? -1L : (1L << m.bits()) - 1);
        bitPos += m.bits();
        if (j != null) {
          if (bool) {
            j.append(v != 0);
          } else if (m.type().startsWith("int") && m.bits() < 64) {
            j.append(v << (64 - m.bits()) >> (64 - m.bits())); // sign-extended
          } else {
            j.append(Long.toUnsignedString(v));
          }
        }
        continue;
      }
      unitWidth = 0;
      if (m.type().equals("char") && m.count() > 1) {
        if (j != null) {
          int n = 0;
          while (n < m.count() && p[at + n] != 0) {
            n++;
          }
          JsonText.quote(j, new String(p, at, n, StandardCharsets.UTF_8));
        }
        at += m.count();
        continue;
      }
      if (p == null) {
        // the size alone: arithmetic, not a loop over a count a hostile schema may make huge
        long each = w == 0 ? size(m.type(), depth + 1) : w;
        long total = at + each * m.count();
        if (total > WpilogReader.MAX_PAYLOAD_BYTES) {
          throw new IllegalArgumentException(name + " is larger than any payload");
        }
        at = (int) total;
        continue;
      }
      if (j != null && m.count() > 1) {
        j.append('[');
      }
      for (int i = 0; i < m.count(); i++) {
        if (j != null && i > 0) {
          j.append(',');
        }
        if (w == 0) {
          at += walk(m.type(), p, at, j, depth + 1);
        } else {
          if (j != null) {
            primitive(m.type(), p, at, j);
          }
          at += w;
        }
      }
      if (j != null && m.count() > 1) {
        j.append(']');
      }
    }
    if (j != null) {
      j.append('}');
    }
    return at - start;
  }

  private static void primitive(String type, byte[] p, int at, StringBuilder j) {
    switch (type) {
      case "bool" -> j.append(p[at] != 0);
      case "char" -> JsonText.quote(j, String.valueOf((char) (p[at] & 0xFF)));
      case "int8" -> j.append(p[at]);
      case "uint8" -> j.append(p[at] & 0xFF);
      case "int16" -> j.append((short) le(p, at, 2));
      case "uint16" -> j.append(le(p, at, 2));
      case "int32" -> j.append((int) le(p, at, 4));
      case "uint32" -> j.append(le(p, at, 4));
      case "int64" -> j.append(le(p, at, 8));
      case "uint64" -> j.append(Long.toUnsignedString(le(p, at, 8)));
      case "float", "float32" -> number(j, Float.intBitsToFloat((int) le(p, at, 4)));
      default -> number(j, Double.longBitsToDouble(le(p, at, 8)));
    }
  }

  private static void number(StringBuilder j, double d) {
    if (Double.isFinite(d)) {
      j.append(d);
    } else {
      j.append('"').append(d).append('"');
    }
  }

  private static void number(StringBuilder j, float f) {
    if (Float.isFinite(f)) {
      j.append(f);
    } else {
      j.append('"').append(f).append('"');
    }
  }

  private static long le(byte[] p, int at, int n) {
    long v = 0;
    for (int i = n - 1; i >= 0; i--) {
      v = v << 8 | (p[at + i] & 0xFF);
    }
    return v;
  }
}
