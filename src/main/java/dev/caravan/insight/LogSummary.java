package dev.caravan.insight;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One log's summary (or a match's: the same keys over several logs): its tally, what its events
 * say, and when it started. {@link #toMap()} gives exactly the keys of the README's "Insight"
 * section, in that order, so any tool can read {@code NAME.summary.json}.
 */
public record LogSummary(String file, Instant start, PowerTally tally, MatchInfo info) {

  /** The keys of a summary, in order. */
  public static final List<String> KEYS =
      List.of(
          "file",
          "records",
          "duration_s",
          "enabled_s",
          "auto_s",
          "teleop_s",
          "v_min",
          "v_p05",
          "v_mean",
          "below_7v_s",
          "brownout_s",
          "brownout_events",
          "i_peak",
          "energy_wh",
          "charge_ah",
          "channel_energy_wh",
          "channel_charge_ah",
          "trip_ms_mean",
          "trip_ms_p95",
          "loss_pct_mean",
          "can_pct_max",
          "cpu_pct_max",
          "resistance_mohm",
          "resistance_r2",
          "resistance_n",
          "match_type",
          "match_number",
          "match_replay",
          "event_name",
          "battery");

  /** The summary's keys and values; {@code file} as given (a match puts its logs elsewhere). */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("file", file);
    metrics(tally, m);
    m.put("match_type", info.matchType());
    m.put("match_number", info.matchNumber());
    m.put("match_replay", info.matchReplay());
    m.put("event_name", info.eventName());
    m.put("battery", info.battery());
    return m;
  }

  /** The metric keys ({@code records} … {@code resistance_n}) of a tally. */
  static void metrics(PowerTally t, Map<String, Object> m) {
    m.put("records", t.records());
    m.put("duration_s", round(t.durationS()));
    m.put("enabled_s", round(t.enabledS()));
    m.put("auto_s", round(t.autoS()));
    m.put("teleop_s", round(t.teleopS()));
    m.put("v_min", t.vMin());
    m.put("v_p05", t.vP05());
    m.put("v_mean", t.vMean());
    m.put("below_7v_s", round(t.below7vS()));
    m.put("brownout_s", round(t.brownoutS()));
    m.put("brownout_events", t.brownoutEvents());
    m.put("i_peak", t.iPeak());
    m.put("energy_wh", t.energyWh());
    m.put("charge_ah", t.chargeAh());
    m.put("channel_energy_wh", boxed(t.channelEnergyWh()));
    m.put("channel_charge_ah", boxed(t.channelChargeAh()));
    m.put("trip_ms_mean", t.tripMsMean());
    m.put("trip_ms_p95", t.tripMsP95());
    m.put("loss_pct_mean", t.lossPctMean());
    m.put("can_pct_max", t.canPctMax());
    m.put("cpu_pct_max", t.cpuPctMax());
    PowerTally.Fit fit = t.fit();
    boolean usable = fit != null && fit.usable();
    m.put("resistance_mohm", usable ? fit.resistanceMohm() : null);
    m.put("resistance_r2", usable ? fit.r2() : null);
    m.put("resistance_n", t.fitN);
  }

  private static List<Double> boxed(double[] values) {
    List<Double> list = new java.util.ArrayList<>(values.length);
    for (double v : values) {
      list.add(v);
    }
    return list;
  }

  /**
   * Durations are whole records × 0.02 s: printed without binary noise (131.98, not 131.9800…01).
   */
  static double round(double seconds) {
    return Math.round(seconds * 100) / 100.0;
  }

  /**
   * The summary as indented JSON (UTF-8), written here rather than by a JSON library: it is a flat
   * map of numbers, text and number lists, and {@code convert} writes one per log.
   */
  public byte[] toJson() {
    StringBuilder j = new StringBuilder(1024).append("{\n");
    var entries = toMap().entrySet().iterator();
    while (entries.hasNext()) {
      var e = entries.next();
      j.append("  ");
      string(j, e.getKey());
      j.append(": ");
      value(j, e.getValue());
      j.append(entries.hasNext() ? ",\n" : "\n");
    }
    return j.append("}\n").toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  private static void value(StringBuilder j, Object v) {
    if (v == null) {
      j.append("null");
    } else if (v instanceof String t) {
      string(j, t);
    } else if (v instanceof Double d) {
      j.append(Double.isFinite(d) ? d.toString() : "null");
    } else if (v instanceof Number n) {
      j.append(n);
    } else if (v instanceof List<?> list) {
      j.append('[');
      for (int i = 0; i < list.size(); i++) {
        j.append(i == 0 ? "" : ", ");
        value(j, list.get(i));
      }
      j.append(']');
    } else {
      throw new IllegalArgumentException("not a summary value: " + v);
    }
  }

  private static void string(StringBuilder j, String s) {
    dev.caravan.dslog.JsonText.quote(j, s);
  }
}
