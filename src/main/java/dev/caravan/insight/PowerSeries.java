package dev.caravan.insight;

import dev.caravan.dslog.DslogRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * A log's records thinned for plotting: one point per {@value #BUCKET} records (0.2 s), at most
 * {@value #MAX_POINTS} points (buckets merged beyond that), keeping what a plot must not lose: the
 * lowest voltage and the highest total current of each point, the mode it ended in, and whether it
 * held a brownout. Per PD channel, the mean current.
 */
public final class PowerSeries {

  static final int BUCKET = 10;
  public static final int MAX_POINTS = 4000;

  /** Robot modes as the report shades them. */
  static final int DISABLED = 0, AUTO = 1, TELEOP = 2;

  /** The points: seconds from the log's start, and the values of each. */
  public record Points(
      double[] t,
      Double[] volts,
      Double[] amps,
      int[] mode,
      int[] brownout,
      double[][] channelAmps) {}

  private final List<double[]> rows = new ArrayList<>(); // t, vmin, imax, mode, brownout
  private final List<double[]> channelRows = new ArrayList<>();
  private int inBucket;
  private double[] row;
  private double[] channels;
  private int channelCount;

  public void accept(DslogRecord r) {
    if (inBucket == 0) {
      row = new double[] {r.relativeNanos() / 1e9, Double.NaN, Double.NaN, DISABLED, 0};
      channels = new double[Math.max(channelCount, r.channelCount())];
      rows.add(row);
      channelRows.add(channels);
    }
    int v = r.voltageRaw();
    if (v != DslogRecord.VOLTAGE_MISSING && v > 0 && v <= 20 * 256) {
      row[1] = Double.isNaN(row[1]) ? v / 256.0 : Math.min(row[1], v / 256.0);
    }
    int n = r.channelCount();
    if (n > 0) {
      row[2] = Double.isNaN(row[2]) ? 0 : row[2];
      row[2] = Math.max(row[2], r.totalCurrentSixteenths() / 16.0);
      if (n > channels.length) {
        channels = java.util.Arrays.copyOf(channels, n);
        channelRows.set(channelRows.size() - 1, channels);
      }
      channelCount = Math.max(channelCount, n);
      for (int ch = 0; ch < n; ch++) {
        channels[ch] += r.currentSixteenths(ch) / 16.0 / BUCKET;
      }
    }
    boolean enabled = (r.robotAuto() || r.robotTeleop()) && !r.robotDisabled();
    row[3] = !enabled ? DISABLED : r.robotAuto() ? AUTO : TELEOP;
    if (r.brownout()) {
      row[4] = 1;
    }
    inBucket = (inBucket + 1) % BUCKET;
  }

  /** The points, merged down to at most {@value #MAX_POINTS}. */
  public Points points() {
    return points(MAX_POINTS);
  }

  /** The points, merged down to at most {@code max} (lowest V and highest A of each kept). */
  public Points points(int max) {
    int merge = Math.max(1, (rows.size() + max - 1) / max);
    int n = (rows.size() + merge - 1) / merge;
    double[] t = new double[n];
    Double[] volts = new Double[n];
    Double[] amps = new Double[n];
    int[] mode = new int[n];
    int[] brownout = new int[n];
    double[][] ch = new double[channelCount][n];
    for (int p = 0; p < n; p++) {
      int from = p * merge;
      int to = Math.min(rows.size(), from + merge);
      t[p] = rows.get(from)[0];
      for (int i = from; i < to; i++) {
        double[] r = rows.get(i);
        if (!Double.isNaN(r[1])) {
          volts[p] = volts[p] == null ? r[1] : Math.min(volts[p], r[1]);
        }
        if (!Double.isNaN(r[2])) {
          amps[p] = amps[p] == null ? r[2] : Math.max(amps[p], r[2]);
        }
        mode[p] = (int) r[3];
        brownout[p] |= (int) r[4];
        double[] c = channelRows.get(i);
        for (int k = 0; k < c.length; k++) {
          ch[k][p] += c[k] / (to - from);
        }
      }
    }
    return new Points(t, volts, amps, mode, brownout, ch);
  }
}
