package dev.caravan.testing;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Writes WPILib data logs for the tests, from the published format (wpiutil/doc/datalog.adoc) as
 * WPILib's own writer does it: each record header field in as few bytes as its value needs, little
 * endian. Independent of the reader under test.
 */
public final class WpilogWriter {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  public WpilogWriter(String extraHeader) {
    out.writeBytes("WPILOG".getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(new byte[] {0x00, 0x01}); // version 1.0, little endian
    byte[] extra = extraHeader.getBytes(StandardCharsets.UTF_8);
    out.writeBytes(le(extra.length, 4));
    out.writeBytes(extra);
  }

  /** Starts entry {@code id}. */
  public WpilogWriter start(int id, String name, String type, String metadata, long time) {
    ByteArrayOutputStream p = new ByteArrayOutputStream();
    p.write(0);
    p.writeBytes(le(id, 4));
    for (String s : new String[] {name, type, metadata}) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      p.writeBytes(le(b.length, 4));
      p.writeBytes(b);
    }
    return record(0, time, p.toByteArray());
  }

  public WpilogWriter finish(int id, long time) {
    ByteArrayOutputStream p = new ByteArrayOutputStream();
    p.write(1);
    p.writeBytes(le(id, 4));
    return record(0, time, p.toByteArray());
  }

  public WpilogWriter metadata(int id, String metadata, long time) {
    ByteArrayOutputStream p = new ByteArrayOutputStream();
    p.write(2);
    p.writeBytes(le(id, 4));
    byte[] b = metadata.getBytes(StandardCharsets.UTF_8);
    p.writeBytes(le(b.length, 4));
    p.writeBytes(b);
    return record(0, time, p.toByteArray());
  }

  /** A record: header bitfield, then id, size and time in their shortest lengths, then payload. */
  public WpilogWriter record(int id, long time, byte[] payload) {
    int idLength = bytesFor(id & 0xFFFF_FFFFL, 4);
    int sizeLength = bytesFor(payload.length, 4);
    int timeLength = bytesFor(time, 8);
    out.write((idLength - 1) | (sizeLength - 1) << 2 | (timeLength - 1) << 4);
    out.writeBytes(le(id & 0xFFFF_FFFFL, idLength));
    out.writeBytes(le(payload.length, sizeLength));
    out.writeBytes(le(time, timeLength));
    out.writeBytes(payload);
    return this;
  }

  public WpilogWriter bool(int id, long time, boolean v) {
    return record(id, time, new byte[] {(byte) (v ? 1 : 0)});
  }

  public WpilogWriter int64(int id, long time, long v) {
    return record(id, time, buffer(8).putLong(v).array());
  }

  public WpilogWriter float32(int id, long time, float v) {
    return record(id, time, buffer(4).putFloat(v).array());
  }

  public WpilogWriter float64(int id, long time, double v) {
    return record(id, time, buffer(8).putDouble(v).array());
  }

  public WpilogWriter string(int id, long time, String v) {
    return record(id, time, v.getBytes(StandardCharsets.UTF_8));
  }

  public WpilogWriter doubles(int id, long time, double... v) {
    ByteBuffer b = buffer(8 * v.length);
    for (double d : v) {
      b.putDouble(d);
    }
    return record(id, time, b.array());
  }

  public WpilogWriter longs(int id, long time, long... v) {
    ByteBuffer b = buffer(8 * v.length);
    for (long d : v) {
      b.putLong(d);
    }
    return record(id, time, b.array());
  }

  public WpilogWriter floats(int id, long time, float... v) {
    ByteBuffer b = buffer(4 * v.length);
    for (float d : v) {
      b.putFloat(d);
    }
    return record(id, time, b.array());
  }

  public WpilogWriter booleans(int id, long time, boolean... v) {
    byte[] b = new byte[v.length];
    for (int i = 0; i < v.length; i++) {
      b[i] = (byte) (v[i] ? 1 : 0);
    }
    return record(id, time, b);
  }

  public WpilogWriter strings(int id, long time, String... v) {
    ByteArrayOutputStream p = new ByteArrayOutputStream();
    p.writeBytes(le(v.length, 4));
    for (String s : v) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      p.writeBytes(le(b.length, 4));
      p.writeBytes(b);
    }
    return record(id, time, p.toByteArray());
  }

  public byte[] bytes() {
    return out.toByteArray();
  }

  private static ByteBuffer buffer(int n) {
    return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static int bytesFor(long v, int max) {
    int n = 1;
    while (n < max && (v >>> (8 * n)) != 0) {
      n++;
    }
    return n;
  }

  private static byte[] le(long v, int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (v >>> (8 * i));
    }
    return b;
  }
}
