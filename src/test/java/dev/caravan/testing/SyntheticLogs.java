package dev.caravan.testing;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Writes {@code .dslog} (v4) and {@code .dsevents} files from values chosen in a test, per the
 * format doc: a 20-byte header, then 14-byte records plus a REV PDH block (33 bytes) or none.
 */
public final class SyntheticLogs {

  /** Status bytes (active-low): robot teleop enabled, auto enabled, disabled. */
  public static final int TELEOP = 0xDB, AUTO = 0xED, DISABLED = 0xF6, BROWNOUT_BIT = 0x80;

  private static final long LV_EPOCH_OFFSET = 2_082_844_800L;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  public SyntheticLogs(Instant start) {
    ByteBuffer h = ByteBuffer.allocate(20);
    h.putInt(4);
    h.putLong(start.getEpochSecond() + LV_EPOCH_OFFSET);
    h.putLong(0);
    out.writeBytes(h.array());
  }

  /**
   * One record: round trip {@code tripRaw} (ms × 2), voltage raw (V × 256, 0xFFFF = none), status,
   * and the 24 PDH channel currents in sixteenths of an ampere (null: no PD block). Main channels
   * 0-19 are kept to eighths (the PDH's resolution), 20-23 to sixteenths.
   */
  public SyntheticLogs record(int tripRaw, int voltageRaw, int status, int[] sixteenths) {
    ByteBuffer r = ByteBuffer.allocate(14 + (sixteenths == null ? 0 : 33));
    r.put((byte) tripRaw);
    r.put((byte) 0); // packet loss
    r.putShort((short) voltageRaw);
    r.put((byte) 40); // CPU raw (20 %)
    r.put((byte) status);
    r.put((byte) 30); // CAN raw (15 %)
    r.put((byte) 0);
    r.putShort((short) 0);
    if (sixteenths == null) {
      r.putInt(0);
    } else {
      r.putInt(33);
      r.put((byte) 1); // CAN id
      byte[] pd = new byte[32];
      for (int frame = 0; frame < 4; frame++) {
        for (int word = 0; word < 2; word++) {
          int first = frame * 6 + word * 3;
          if (first >= 20) {
            continue;
          }
          long bits = 0;
          for (int k = 0; k < 3 && first + k < 20; k++) {
            bits |= (long) (sixteenths[first + k] / 2 & 0x3FF) << (10 * k);
          }
          int at = frame * 8 + word * 4;
          for (int b = 0; b < 4 && at + b < 27; b++) {
            pd[at + b] = (byte) (bits >>> (8 * b));
          }
        }
      }
      for (int ch = 20; ch < 24; ch++) {
        pd[27 + ch - 20] = (byte) sixteenths[ch];
      }
      r.put(pd);
    }
    out.writeBytes(r.array());
    return this;
  }

  /** The same record {@code n} times. */
  public SyntheticLogs records(int n, int voltageRaw, int status, int[] sixteenths) {
    for (int i = 0; i < n; i++) {
      record(10, voltageRaw, status, sixteenths);
    }
    return this;
  }

  public byte[] bytes() {
    return out.toByteArray();
  }

  /** Channel currents: all zero but {@code channel}, at {@code amps} (a multiple of 1/8). */
  public static int[] channel(int channel, double amps) {
    int[] c = new int[24];
    c[channel] = (int) Math.round(amps * 16);
    return c;
  }

  /** A {@code .dsevents} whose entries have these texts, at the header time. */
  public static byte[] events(Instant start, String... texts) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteBuffer h = ByteBuffer.allocate(20);
    h.putInt(4);
    h.putLong(start.getEpochSecond() + LV_EPOCH_OFFSET);
    h.putLong(0);
    o.writeBytes(h.array());
    for (String t : texts) {
      byte[] b = t.getBytes(StandardCharsets.UTF_8);
      ByteBuffer e = ByteBuffer.allocate(20 + b.length);
      e.putLong(start.getEpochSecond() + LV_EPOCH_OFFSET);
      e.putLong(0);
      e.putInt(b.length);
      e.put(b);
      o.writeBytes(e.array());
    }
    return o.toByteArray();
  }
}
