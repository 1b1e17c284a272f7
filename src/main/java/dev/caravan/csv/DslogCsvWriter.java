package dev.caravan.csv;

import dev.caravan.dslog.DslogHeader;
import dev.caravan.dslog.DslogRecord;
import dev.caravan.dslog.PdType;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Writes {@code .dslog} records as CSV, one row per record, with the columns of the format doc
 * §2.11 followed by derived columns ({@link #COLUMNS}).
 *
 * <p>This is the hot path of {@code convert}, so rows are formatted straight into a byte buffer:
 * every number is printed as the exact decimal of its raw integer (no float noise), and the only
 * free text, the file name, is quoted once by Commons CSV. No other field can need quoting.
 *
 * <p>A choice of columns ({@code caravan.decode.columns}, {@code convert --columns}) is cut from
 * the full row: no field but the file name can hold a comma, so the row splits on its commas.
 */
public final class DslogCsvWriter implements RowWriter<DslogRecord> {

  /** Column names, in order. */
  public static final List<String> COLUMNS = columns();

  private static final DateTimeFormatter SECONDS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");
  private static final byte[] TRUE = ascii("true");
  private static final byte[] FALSE = ascii("false");
  private static final int MAX_ROW = 1024;

  private final OutputStream out;
  private final byte[] filePrefix;
  private final byte[] buf = new byte[64 * 1024];
  private int n;
  private long cachedSecond = Long.MIN_VALUE;
  private byte[] cachedSecondText;
  private long rows;

  /** The chosen columns as indexes into {@link #COLUMNS}; null for all of them. */
  private final int[] chosen;

  private final byte[] row;
  private final int[] ends;

  /**
   * @param out where the CSV goes; {@link #flush()} leaves it open, {@link #close()} closes it
   * @param fileName the value of the {@code file} column
   */
  public DslogCsvWriter(OutputStream out, String fileName) throws IOException {
    this(out, fileName, COLUMNS);
  }

  /**
   * @param columns the columns to write, in this order: names from {@link #COLUMNS} (see {@link
   *     #columns(String)})
   */
  public DslogCsvWriter(OutputStream out, String fileName, List<String> columns)
      throws IOException {
    this.out = out;
    this.filePrefix = (CsvFormats.field(fileName) + ",").getBytes(StandardCharsets.UTF_8);
    if (filePrefix.length > buf.length - MAX_ROW) {
      throw new IllegalArgumentException("file name too long for a CSV row: " + fileName);
    }
    if (columns.equals(COLUMNS)) {
      chosen = null;
      row = null;
      ends = null;
    } else {
      chosen = columns.stream().mapToInt(COLUMNS::indexOf).toArray();
      row = new byte[MAX_ROW];
      ends = new int[COLUMNS.size()];
    }
    out.write(CsvFormats.CARAVAN.format(columns.toArray()).getBytes(StandardCharsets.UTF_8));
    out.write('\n');
  }

  /**
   * The columns a comma-separated list names ({@code time_utc,battery_v,pd_total_a}); blank means
   * all of them.
   *
   * @throws IllegalArgumentException naming a column that does not exist, and the ones that do
   */
  public static List<String> columns(String list) {
    if (list == null || list.isBlank()) {
      return COLUMNS;
    }
    List<String> names = new ArrayList<>();
    for (String name : list.split(",")) {
      String n = name.trim();
      if (n.isEmpty()) {
        continue;
      }
      if (!COLUMNS.contains(n)) {
        throw new IllegalArgumentException(
            "no column '"
                + n
                + "' in a DS log's CSV; the columns are "
                + String.join(",", COLUMNS));
      }
      names.add(n);
    }
    return names.isEmpty() ? COLUMNS : List.copyOf(names);
  }

  private static List<String> columns() {
    List<String> c = new ArrayList<>();
    Collections.addAll(
        c,
        "file",
        "record_index",
        "time_utc",
        "t_rel_s",
        "trip_ms",
        "packet_loss_raw",
        "packet_loss_pct",
        "battery_v",
        "rio_cpu_pct",
        "can_util_pct",
        "wifi_db",
        "bandwidth_mbps",
        "status_raw",
        "brownout",
        "watchdog",
        "ds_teleop",
        "ds_auto",
        "ds_disabled",
        "robot_teleop",
        "robot_auto",
        "robot_disabled",
        "pd_type",
        "pd_can_id");
    for (int ch = 0; ch < 24; ch++) {
      c.add("pd_ch" + ch);
    }
    Collections.addAll(
        c,
        "pdp_resistance_raw",
        "pdp_bus_v",
        "pdp_temp_c",
        "pdh_fault_flags",
        // derived
        "pd_total_a",
        "robot_mode",
        "ds_mode");
    return List.copyOf(c);
  }

  /** Rows written so far. */
  @Override
  public long rows() {
    return rows;
  }

  @Override
  public void write(DslogRecord r) throws IOException {
    if (n + filePrefix.length + MAX_ROW > buf.length) {
      flushBuffer();
    }
    if (chosen == null) {
      put(filePrefix);
      putValues(r);
    } else {
      putChosen(r);
    }
    buf[n++] = '\n';
    rows++;
  }

  /** The chosen columns of {@code r}: the full row after {@code file} printed, then cut. */
  private void putChosen(DslogRecord r) {
    int mark = n;
    putValues(r);
    int length = n - mark;
    System.arraycopy(buf, mark, row, 0, length);
    n = mark;
    // ends[c] is where column c (1 = record_index) ends in row; column 0, file, is filePrefix
    int c = 1;
    for (int i = 0; i < length; i++) {
      if (row[i] == ',') {
        ends[c++] = i;
      }
    }
    ends[c] = length;
    for (int k = 0; k < chosen.length; k++) {
      if (k > 0) {
        buf[n++] = ',';
      }
      int col = chosen[k];
      if (col == 0) {
        System.arraycopy(filePrefix, 0, buf, n, filePrefix.length - 1);
        n += filePrefix.length - 1;
      } else {
        int from = col == 1 ? 0 : ends[col - 1] + 1;
        System.arraycopy(row, from, buf, n, ends[col] - from);
        n += ends[col] - from;
      }
    }
  }

  /** Every column after {@code file}; no field can hold a comma or a quote. */
  private void putValues(DslogRecord r) {
    putInt(r.index());
    comma();
    putTime(r);
    comma();
    putDecimal(r.relativeNanos() / 10_000_000L, 2); // a multiple of 20 ms: exact in hundredths
    comma();
    putBinary(r.tripRaw(), 1);
    comma();
    putInt(r.packetLossRaw());
    comma();
    putInt(r.packetLossPct());
    comma();
    if (r.hasBatteryVoltage()) {
      putBinary(r.voltageRaw(), 8);
    }
    comma();
    putBinary(r.cpuRaw(), 1);
    comma();
    putBinary(r.canRaw(), 1);
    comma();
    putBinary(r.wifiRaw(), 1);
    comma();
    putBinary(r.bandwidthRaw(), 8);
    comma();
    putHex(r.statusRaw(), 2);
    comma();
    putBool(r.brownout());
    putBool(r.watchdog());
    putBool(r.dsTeleop());
    putBool(r.dsAuto());
    putBool(r.dsDisabled());
    putBool(r.robotTeleop());
    putBool(r.robotAuto());
    putBool(r.robotDisabled());
    PdType type = r.pdType();
    putAscii(type.label());
    if (type == PdType.UNKNOWN) {
      buf[n++] = ':';
      putInt(r.pdLength());
    }
    comma();
    if (r.pdCanId() >= 0) {
      putInt(r.pdCanId());
    }
    comma();
    int channels = r.channelCount();
    for (int ch = 0; ch < 24; ch++) {
      if (ch < channels) {
        putBinary(r.currentSixteenths(ch), 4);
      }
      comma();
    }
    if (type == PdType.CTRE) {
      putInt(r.pdpResistanceRaw());
      comma();
      putDecimal(r.pdpBusVoltageRaw() * 5L + 400, 2);
      comma();
      putDecimal(Math.round(r.pdpTemperatureC() * 100), 2);
      comma();
      comma();
    } else if (type == PdType.REV) {
      buf[n++] = ',';
      buf[n++] = ',';
      buf[n++] = ',';
      putHex(r.pdhFaultFlags(), 6);
      comma();
    } else {
      for (int i = 0; i < 4; i++) {
        comma();
      }
    }
    if (channels > 0) {
      putBinary(r.totalCurrentSixteenths(), 4);
    }
    comma();
    putAscii(mode(r.robotDisabled(), r.robotAuto(), r.robotTeleop()));
    comma();
    putAscii(mode(r.dsDisabled(), r.dsAuto(), r.dsTeleop()));
  }

  /** The mode a set of flags says, disabled first; empty when none is set. */
  static String mode(boolean disabled, boolean auto, boolean teleop) {
    if (disabled) {
      return "disabled";
    }
    if (auto) {
      return "auto";
    }
    return teleop ? "teleop" : "";
  }

  private void comma() {
    buf[n++] = ',';
  }

  private void putBool(boolean b) {
    put(b ? TRUE : FALSE);
    buf[n++] = ',';
  }

  private void put(byte[] bytes) {
    System.arraycopy(bytes, 0, buf, n, bytes.length);
    n += bytes.length;
  }

  private void putAscii(String s) {
    for (int i = 0, len = s.length(); i < len; i++) {
      buf[n++] = (byte) s.charAt(i);
    }
  }

  private void putInt(long v) {
    if (v < 0) {
      buf[n++] = '-';
      v = -v;
    }
    if (v < 10) {
      buf[n++] = (byte) ('0' + v);
      return;
    }
    int digits = 0;
    for (long t = v; t > 0; t /= 10) {
      digits++;
    }
    int end = n + digits;
    for (int i = end - 1; i >= n; i--) {
      buf[i] = (byte) ('0' + v % 10);
      v /= 10;
    }
    n = end;
  }

  /** The exact decimal of {@code raw / 2^shift}, shortest form ({@code 2.125}, {@code 2}). */
  private void putBinary(long raw, int shift) {
    putInt(raw >> shift);
    long mask = (1L << shift) - 1;
    long frac = raw & mask;
    if (frac != 0) {
      buf[n++] = '.';
      while (frac != 0) {
        frac *= 10;
        buf[n++] = (byte) ('0' + (frac >> shift));
        frac &= mask;
      }
    }
  }

  /** {@code value / 10^scale}, trailing zeros dropped ({@code 1220,2} → {@code 12.2}). */
  private void putDecimal(long value, int scale) {
    if (value < 0) {
      buf[n++] = '-';
      value = -value;
    }
    long pow = 1;
    for (int i = 0; i < scale; i++) {
      pow *= 10;
    }
    putInt(value / pow);
    long frac = value % pow;
    if (frac != 0) {
      buf[n++] = '.';
      while (frac != 0) {
        pow /= 10;
        buf[n++] = (byte) ('0' + frac / pow);
        frac %= pow;
      }
    }
  }

  private void putHex(int v, int digits) {
    buf[n++] = '0';
    buf[n++] = 'x';
    for (int i = digits - 1; i >= 0; i--) {
      buf[n++] = (byte) Character.forDigit((v >>> (4 * i)) & 0xF, 16);
    }
  }

  /** ISO-8601 UTC exactly as {@link java.time.Instant#toString()} prints it. */
  private void putTime(DslogRecord r) {
    DslogHeader h = r.header();
    long nanos = h.start().getNano() + r.relativeNanos();
    long second = h.start().getEpochSecond() + nanos / 1_000_000_000L;
    int nano = (int) (nanos % 1_000_000_000L);
    if (second != cachedSecond) {
      cachedSecond = second;
      cachedSecondText =
          ascii(SECONDS.format(LocalDateTime.ofEpochSecond(second, 0, ZoneOffset.UTC)));
    }
    put(cachedSecondText);
    if (nano != 0) {
      buf[n++] = '.';
      int digits = nano % 1000_000 == 0 ? 3 : nano % 1000 == 0 ? 6 : 9;
      int value = digits == 3 ? nano / 1000_000 : digits == 6 ? nano / 1000 : nano;
      for (int i = digits - 1; i >= 0; i--) {
        buf[n + i] = (byte) ('0' + value % 10);
        value /= 10;
      }
      n += digits;
    }
    buf[n++] = 'Z';
  }

  private void flushBuffer() throws IOException {
    out.write(buf, 0, n);
    n = 0;
  }

  /** Writes out what is buffered. */
  @Override
  public void flush() throws IOException {
    flushBuffer();
    out.flush();
  }

  /** Flushes and closes the stream. */
  @Override
  public void close() throws IOException {
    try (out) {
      flushBuffer();
    }
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
