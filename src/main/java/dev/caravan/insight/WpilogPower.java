package dev.caravan.insight;

import dev.caravan.dslog.DslogRecord;
import dev.caravan.dslog.WpilogRecord;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The insight of a {@code .wpilog}: the entries that carry the robot's power and modes are followed
 * as their records go by, and every 20 ms of the log (from the first such record to the last) their
 * values at that moment are tallied as one sample, as a {@code .dslog} record would be: the same
 * {@link PowerTally}, so the same summary. Voltages are kept to 1/256 V and currents to 1/16 A, the
 * DS log's own resolution. Which entries: {@code caravan.insight.wpilog.*}, each a list of names,
 * by default those of WPILib's DriverStation log ({@code DS:enabled}, {@code DS:autonomous}) and of
 * AdvantageKit ({@code /SystemStats/BatteryVoltage}, {@code /SystemStats/BrownedOut}, {@code
 * /DriverStation/Enabled}, {@code /DriverStation/Autonomous}, {@code
 * /PowerDistribution/ChannelCurrent}).
 */
public final class WpilogPower implements Consumer<WpilogRecord> {

  private static final long PERIOD_US = 20_000;

  /** What an entry carries. */
  enum Signal {
    VOLTAGE,
    BROWNOUT,
    ENABLED,
    AUTONOMOUS,
    CURRENTS
  }

  /** The entries of each signal, by name. */
  public record Names(Map<String, Signal> byEntry) {
    /** From {@code caravan.insight.wpilog.voltage}, {@code .brownout}, … (comma-separated). */
    public static Names from(Function<String, String> config) {
      Map<String, Signal> m = new HashMap<>();
      for (Signal s : Signal.values()) {
        String list = config.apply("caravan.insight.wpilog." + s.name().toLowerCase());
        for (String name : list == null ? new String[0] : list.split(",")) {
          if (!name.isBlank()) {
            m.put(name.strip(), s);
          }
        }
      }
      return new Names(Map.copyOf(m));
    }
  }

  private final Names names;
  private final PowerTally tally = new PowerTally();
  private long nextTick = Long.MIN_VALUE;
  private long last = Long.MIN_VALUE;
  private boolean enabled;
  private boolean autonomous;
  private boolean brownout;
  private int voltageRaw = DslogRecord.VOLTAGE_MISSING;
  private int[] currents = new int[0];

  public WpilogPower(Names names) {
    this.names = names;
  }

  @Override
  public void accept(WpilogRecord r) {
    Signal signal = names.byEntry().get(r.entry().name());
    if (signal == null) {
      return;
    }
    long t = r.timestampUs();
    if (nextTick == Long.MIN_VALUE) {
      nextTick = t;
    }
    // the samples before this record hold the values it replaces
    while (nextTick < t) {
      sample();
    }
    apply(signal, r);
    last = Math.max(last, t);
  }

  /**
   * The samples up to the last record, and the tally; null when the log has none of the entries.
   */
  public PowerTally finish() {
    if (nextTick == Long.MIN_VALUE) {
      return null;
    }
    while (nextTick <= last) {
      sample();
    }
    return tally.seal();
  }

  private void sample() {
    int[] c = currents;
    tally.sample(
        enabled && autonomous,
        enabled && !autonomous,
        !enabled,
        voltageRaw,
        brownout,
        c.length,
        ch -> c[ch]);
    nextTick += PERIOD_US;
  }

  private void apply(Signal signal, WpilogRecord r) {
    ByteBuffer b = ByteBuffer.wrap(r.payload()).order(ByteOrder.LITTLE_ENDIAN);
    String type = r.entry().type();
    switch (signal) {
      case ENABLED -> enabled = bool(b, type, enabled);
      case AUTONOMOUS -> autonomous = bool(b, type, autonomous);
      case BROWNOUT -> brownout = bool(b, type, brownout);
      case VOLTAGE -> {
        List<Double> v = numbers(b, type);
        if (v.size() == 1 && Double.isFinite(v.get(0))) {
          long raw = Math.round(v.get(0) * 256);
          voltageRaw =
              raw < 0 || raw >= DslogRecord.VOLTAGE_MISSING
                  ? DslogRecord.VOLTAGE_MISSING
                  : (int) raw;
        }
      }
      case CURRENTS -> {
        List<Double> a = numbers(b, type);
        int[] next = new int[a.size()];
        for (int i = 0; i < next.length; i++) {
          double x = a.get(i);
          next[i] =
              Double.isFinite(x)
                  ? (int) Math.max(0, Math.min(Short.MAX_VALUE, Math.round(x * 16)))
                  : 0;
        }
        currents = next;
      }
    }
  }

  private static boolean bool(ByteBuffer b, String type, boolean before) {
    return type.equals("boolean") && b.remaining() == 1 ? b.get() != 0 : before;
  }

  /** A double, float or int64 value, or an array of them; empty for anything else. */
  private static List<Double> numbers(ByteBuffer b, String type) {
    int width =
        switch (type) {
          case "double", "double[]", "int64", "int64[]" -> 8;
          case "float", "float[]" -> 4;
          default -> 0;
        };
    if (width == 0
        || b.remaining() % width != 0
        || (!type.endsWith("[]") && b.remaining() != width)) {
      return List.of();
    }
    Double[] out = new Double[b.remaining() / width];
    for (int i = 0; i < out.length; i++) {
      out[i] =
          switch (type) {
            case "double", "double[]" -> b.getDouble();
            case "float", "float[]" -> (double) b.getFloat();
            default -> (double) b.getLong();
          };
    }
    return List.of(out);
  }
}
