package dev.caravan.insight;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.caravan.dslog.DslogRecord;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * The insight metrics of a stream of {@code .dslog} records, tallied as they go by (one pass,
 * bounded memory whatever the length) and mergeable: a match's tally is the sum of its logs'. Every
 * sum is kept in the records' own integers (volts × 256, amperes × 16, ms × 2), so sums are exact
 * and a merge is the same as one pass over the union; percentiles come from exact histograms.
 *
 * <p>The definitions are the README's "Insight" section: records are 20 ms apart; enabled = robot
 * auto or teleop and not robot disabled; a valid voltage is a raw word that is not 0xFFFF with 0 <
 * V ≤ 20.
 */
@JsonAutoDetect(
    fieldVisibility = JsonAutoDetect.Visibility.ANY,
    getterVisibility = JsonAutoDetect.Visibility.NONE,
    isGetterVisibility = JsonAutoDetect.Visibility.NONE)
public final class PowerTally {

  static final double PERIOD_S = 0.02;
  private static final int MAX_VALID_RAW = 20 * 256;
  private static final int SEVEN_VOLTS_RAW = 7 * 256;

  /** The resistance fit's conditions. */
  static final int FIT_MIN_N = 250;

  static final double FIT_MIN_R2 = 0.3;
  static final int FIT_MIN_SPAN_SIXTEENTHS = 20 * 16;

  long records;
  long enabled;
  long auto;
  long teleop;
  long belowSeven;
  long brownoutRecords;
  long brownoutEvents;

  /** Whether the last record seen had the brownout bit (a run continues into the next record). */
  boolean inBrownout;

  /** Enabled records with a valid voltage: raw voltage → count. */
  TreeMap<Integer, Long> enabledVolts = new TreeMap<>();

  long enabledVoltSum;

  /** Largest total PD current of one record, sixteenths; -1 when no record had PD data. */
  int peakSixteenths = -1;

  /** Per channel: Σ current × voltage (sixteenths × raw volts) over records with valid voltage. */
  long[] channelEnergy = new long[0];

  /** Per channel: Σ current (sixteenths) over every record. */
  long[] channelCharge = new long[0];

  /** Round-trip time: raw (ms × 2) → count, over every record. */
  TreeMap<Integer, Long> trip = new TreeMap<>();

  long tripSum;
  long lossPctSum;
  int canMaxRaw = -1;
  int cpuMaxRaw = -1;
  // the resistance fit: V (raw) on total current (sixteenths), enabled, valid V, with PD data
  long fitN;
  long fitX;
  long fitY;
  long fitXX;
  long fitXY;
  long fitYY;
  int fitXMin = Integer.MAX_VALUE;
  int fitXMax = Integer.MIN_VALUE;

  /** Dense counters while records stream by; folded into the maps by {@link #seal()}. */
  @JsonIgnore private transient long[] voltCounts;

  @JsonIgnore private transient long[] tripCounts;

  /** Tallies one record. */
  public void accept(DslogRecord r) {
    sample(
        r.robotAuto(),
        r.robotTeleop(),
        r.robotDisabled(),
        r.voltageRaw(),
        r.brownout(),
        r.channelCount(),
        r::currentSixteenths);
    tripCounts[r.tripRaw()]++;
    tripSum += r.tripRaw();
    lossPctSum += r.packetLossPct();
    canMaxRaw = Math.max(canMaxRaw, r.canRaw());
    cpuMaxRaw = Math.max(cpuMaxRaw, r.cpuRaw());
  }

  /**
   * Tallies one 20 ms sample of the robot's power: its modes, the battery's raw voltage (volts ×
   * 256, {@link DslogRecord#VOLTAGE_MISSING} for none), the brownout flag and each PD channel's
   * current in sixteenths of an ampere. A {@code .dslog} record is one; a {@code .wpilog} gives its
   * values every 20 ms (its link figures, trip time, loss, CAN and CPU, are not in it and stay
   * unknown).
   */
  public void sample(
      boolean robotAuto,
      boolean robotTeleop,
      boolean robotDisabled,
      int voltageRaw,
      boolean brownout,
      int channels,
      java.util.function.IntUnaryOperator currentSixteenths) {
    if (voltCounts == null) {
      voltCounts = new long[MAX_VALID_RAW + 1];
      tripCounts = new long[256];
    }
    records++;
    boolean isEnabled = (robotAuto || robotTeleop) && !robotDisabled;
    int v = voltageRaw;
    boolean validVolts = v != DslogRecord.VOLTAGE_MISSING && v > 0 && v <= MAX_VALID_RAW;
    if (isEnabled) {
      enabled++;
      if (robotAuto) {
        auto++;
      }
      if (robotTeleop) {
        teleop++;
      }
      if (validVolts) {
        voltCounts[v]++;
        enabledVoltSum += v;
        if (v < SEVEN_VOLTS_RAW) {
          belowSeven++;
        }
      }
    }
    if (brownout) {
      brownoutRecords++;
      if (!inBrownout) {
        brownoutEvents++;
      }
    }
    inBrownout = brownout;
    if (channels > 0) {
      if (channels > channelCharge.length) {
        channelCharge = Arrays.copyOf(channelCharge, channels);
        channelEnergy = Arrays.copyOf(channelEnergy, channels);
      }
      int total = 0;
      for (int ch = 0; ch < channels; ch++) {
        int c = currentSixteenths.applyAsInt(ch);
        total += c;
        channelCharge[ch] += c;
        if (validVolts) {
          channelEnergy[ch] += (long) c * v;
        }
      }
      peakSixteenths = Math.max(peakSixteenths, total);
      if (isEnabled && validVolts) {
        fitN++;
        fitX += total;
        fitY += v;
        fitXX += (long) total * total;
        fitXY += (long) total * v;
        fitYY += (long) v * v;
        fitXMin = Math.min(fitXMin, total);
        fitXMax = Math.max(fitXMax, total);
      }
    }
  }

  /** Folds the streaming counters into the kept form (call once the records are done). */
  public PowerTally seal() {
    if (voltCounts != null) {
      for (int v = 0; v < voltCounts.length; v++) {
        if (voltCounts[v] > 0) {
          enabledVolts.merge(v, voltCounts[v], Long::sum);
        }
      }
      for (int t = 0; t < tripCounts.length; t++) {
        if (tripCounts[t] > 0) {
          trip.merge(t, tripCounts[t], Long::sum);
        }
      }
      voltCounts = null;
      tripCounts = null;
    }
    return this;
  }

  /** The tally of this and {@code other} together (both sealed), as one pass over both. */
  public PowerTally plus(PowerTally other) {
    PowerTally a = copy(seal());
    PowerTally b = other.seal();
    a.records += b.records;
    a.enabled += b.enabled;
    a.auto += b.auto;
    a.teleop += b.teleop;
    a.belowSeven += b.belowSeven;
    a.brownoutRecords += b.brownoutRecords;
    a.brownoutEvents += b.brownoutEvents;
    b.enabledVolts.forEach((k, n) -> a.enabledVolts.merge(k, n, Long::sum));
    a.enabledVoltSum += b.enabledVoltSum;
    a.peakSixteenths = Math.max(a.peakSixteenths, b.peakSixteenths);
    a.channelEnergy = add(a.channelEnergy, b.channelEnergy);
    a.channelCharge = add(a.channelCharge, b.channelCharge);
    b.trip.forEach((k, n) -> a.trip.merge(k, n, Long::sum));
    a.tripSum += b.tripSum;
    a.lossPctSum += b.lossPctSum;
    a.canMaxRaw = Math.max(a.canMaxRaw, b.canMaxRaw);
    a.cpuMaxRaw = Math.max(a.cpuMaxRaw, b.cpuMaxRaw);
    a.fitN += b.fitN;
    a.fitX += b.fitX;
    a.fitY += b.fitY;
    a.fitXX += b.fitXX;
    a.fitXY += b.fitXY;
    a.fitYY += b.fitYY;
    a.fitXMin = Math.min(a.fitXMin, b.fitXMin);
    a.fitXMax = Math.max(a.fitXMax, b.fitXMax);
    return a;
  }

  private static PowerTally copy(PowerTally t) {
    PowerTally c = new PowerTally();
    c.records = t.records;
    c.enabled = t.enabled;
    c.auto = t.auto;
    c.teleop = t.teleop;
    c.belowSeven = t.belowSeven;
    c.brownoutRecords = t.brownoutRecords;
    c.brownoutEvents = t.brownoutEvents;
    c.enabledVolts = new TreeMap<>(t.enabledVolts);
    c.enabledVoltSum = t.enabledVoltSum;
    c.peakSixteenths = t.peakSixteenths;
    c.channelEnergy = t.channelEnergy.clone();
    c.channelCharge = t.channelCharge.clone();
    c.trip = new TreeMap<>(t.trip);
    c.tripSum = t.tripSum;
    c.lossPctSum = t.lossPctSum;
    c.canMaxRaw = t.canMaxRaw;
    c.cpuMaxRaw = t.cpuMaxRaw;
    c.fitN = t.fitN;
    c.fitX = t.fitX;
    c.fitY = t.fitY;
    c.fitXX = t.fitXX;
    c.fitXY = t.fitXY;
    c.fitYY = t.fitYY;
    c.fitXMin = t.fitXMin;
    c.fitXMax = t.fitXMax;
    return c;
  }

  private static long[] add(long[] a, long[] b) {
    long[] sum = Arrays.copyOf(a, Math.max(a.length, b.length));
    for (int i = 0; i < b.length; i++) {
      sum[i] += b[i];
    }
    return sum;
  }

  // --- the metrics (README "Insight"): null where there is nothing to measure

  public long records() {
    return records;
  }

  public double durationS() {
    return records * PERIOD_S;
  }

  public double enabledS() {
    return enabled * PERIOD_S;
  }

  public double autoS() {
    return auto * PERIOD_S;
  }

  public double teleopS() {
    return teleop * PERIOD_S;
  }

  public Double vMin() {
    seal();
    return enabledVolts.isEmpty() ? null : enabledVolts.firstKey() / 256.0;
  }

  public Double vP05() {
    seal();
    Integer raw = nearestRank(enabledVolts, 5);
    return raw == null ? null : raw / 256.0;
  }

  public Double vMean() {
    long n = voltCount();
    return n == 0 ? null : enabledVoltSum / 256.0 / n;
  }

  private long voltCount() {
    seal();
    return count(enabledVolts);
  }

  public double below7vS() {
    return belowSeven * PERIOD_S;
  }

  public double brownoutS() {
    return brownoutRecords * PERIOD_S;
  }

  public long brownoutEvents() {
    return brownoutEvents;
  }

  public Double iPeak() {
    return peakSixteenths < 0 ? null : peakSixteenths / 16.0;
  }

  /** Per PD channel, in Wh. */
  public double[] channelEnergyWh() {
    double[] wh = new double[channelEnergy.length];
    for (int c = 0; c < wh.length; c++) {
      wh[c] = wattHours(channelEnergy[c]);
    }
    return wh;
  }

  /** Per PD channel, in Ah. */
  public double[] channelChargeAh() {
    double[] ah = new double[channelCharge.length];
    for (int c = 0; c < ah.length; c++) {
      ah[c] = ampHours(channelCharge[c]);
    }
    return ah;
  }

  public double energyWh() {
    return wattHours(sum(channelEnergy));
  }

  public double chargeAh() {
    return ampHours(sum(channelCharge));
  }

  private static double wattHours(long sixteenthsTimesRawVolts) {
    return sixteenthsTimesRawVolts / (16.0 * 256.0) * PERIOD_S / 3600.0;
  }

  private static double ampHours(long sixteenths) {
    return sixteenths / 16.0 * PERIOD_S / 3600.0;
  }

  /** Records with link figures (trip time, loss): every {@code .dslog} record, no wpilog sample. */
  private long linkRecords() {
    long n = trip.values().stream().mapToLong(Long::longValue).sum();
    if (tripCounts != null) {
      for (long c : tripCounts) {
        n += c;
      }
    }
    return n;
  }

  public Double tripMsMean() {
    long n = linkRecords();
    return n == 0 ? null : tripSum / 2.0 / n;
  }

  public Double tripMsP95() {
    seal();
    Integer raw = nearestRank(trip, 95);
    return raw == null ? null : raw / 2.0;
  }

  public Double lossPctMean() {
    long n = linkRecords();
    return n == 0 ? null : (double) lossPctSum / n;
  }

  public Double canPctMax() {
    return canMaxRaw < 0 ? null : canMaxRaw / 2.0;
  }

  public Double cpuPctMax() {
    return cpuMaxRaw < 0 ? null : cpuMaxRaw / 2.0;
  }

  /** The least-squares fit of V on total current, whether or not it passes the conditions. */
  public record Fit(long n, double resistanceMohm, double r2, double spanA) {
    /** Kept only with enough records, a fair fit and a wide enough range of current. */
    public boolean usable() {
      return n >= FIT_MIN_N && r2 >= FIT_MIN_R2 && spanA >= FIT_MIN_SPAN_SIXTEENTHS / 16.0;
    }
  }

  /** The fit, or null when the current never varied (or no record qualified). */
  public Fit fit() {
    if (fitN < 2) {
      return null;
    }
    BigInteger n = BigInteger.valueOf(fitN);
    BigInteger sxy =
        n.multiply(BigInteger.valueOf(fitXY))
            .subtract(BigInteger.valueOf(fitX).multiply(BigInteger.valueOf(fitY)));
    BigInteger sxx =
        n.multiply(BigInteger.valueOf(fitXX))
            .subtract(BigInteger.valueOf(fitX).multiply(BigInteger.valueOf(fitX)));
    BigInteger syy =
        n.multiply(BigInteger.valueOf(fitYY))
            .subtract(BigInteger.valueOf(fitY).multiply(BigInteger.valueOf(fitY)));
    if (sxx.signum() == 0) {
      return null;
    }
    // slope in raw volts per sixteenth of an ampere; V/A = slope × 16 / 256
    double slope = sxy.doubleValue() / sxx.doubleValue();
    double r2 =
        syy.signum() == 0 ? 0 : sxy.multiply(sxy).doubleValue() / sxx.multiply(syy).doubleValue();
    return new Fit(fitN, -slope * 16.0 / 256.0 * 1000.0, r2, (fitXMax - fitXMin) / 16.0);
  }

  // plain loops: convert runs this once a log in a short-lived JVM, where streams cost more to load
  private static long sum(long[] values) {
    long s = 0;
    for (long v : values) {
      s += v;
    }
    return s;
  }

  private static long count(TreeMap<Integer, Long> histogram) {
    long n = 0;
    for (long c : histogram.values()) {
      n += c;
    }
    return n;
  }

  /** Element ⌈q·N⌉ (1-based) of the sorted values, q in percent; null for none. */
  static Integer nearestRank(TreeMap<Integer, Long> histogram, int percent) {
    long n = count(histogram);
    if (n == 0) {
      return null;
    }
    long rank = Math.max(1, (percent * n + 99) / 100);
    long seen = 0;
    for (Map.Entry<Integer, Long> e : histogram.entrySet()) {
      seen += e.getValue();
      if (seen >= rank) {
        return e.getKey();
      }
    }
    throw new IllegalStateException("unreachable");
  }
}
