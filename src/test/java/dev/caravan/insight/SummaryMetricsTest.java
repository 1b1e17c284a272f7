package dev.caravan.insight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.caravan.dslog.DslogReader;
import dev.caravan.dslog.DslogRecord;
import dev.caravan.testing.Samples;
import dev.caravan.testing.SyntheticLogs;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every summary metric, against values worked out here from the decoder's records straight from the
 * definitions (lists, sorting, two-pass least squares: none of the summary code), on every shared
 * sample and on synthetic logs whose answer is known by construction.
 */
class SummaryMetricsTest {

  static Stream<Path> samples() {
    return Samples.allDslogs().stream();
  }

  static List<DslogRecord> records(byte[] log) throws Exception {
    List<DslogRecord> out = new ArrayList<>();
    try (DslogReader r = new DslogReader(log, "test")) {
      try {
        for (DslogRecord x = r.next(); x != null; x = r.next()) {
          out.add(x);
        }
      } catch (dev.caravan.dslog.DslogFormatException e) {
        // a damaged tail: the records before it
      }
    }
    return out;
  }

  static PowerTally tally(List<DslogRecord> records) {
    PowerTally t = new PowerTally();
    records.forEach(t::accept);
    return t.seal();
  }

  /** The definitions, written out plainly. */
  static Map<String, Object> expected(List<DslogRecord> recs) {
    Predicate<DslogRecord> enabled = r -> (r.robotAuto() || r.robotTeleop()) && !r.robotDisabled();
    Predicate<DslogRecord> validV =
        r -> r.voltageRaw() != 0xFFFF && r.batteryVolts() > 0 && r.batteryVolts() <= 20;
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("records", (long) recs.size());
    m.put("duration_s", recs.size() * 0.02);
    m.put("enabled_s", recs.stream().filter(enabled).count() * 0.02);
    m.put("auto_s", recs.stream().filter(enabled.and(DslogRecord::robotAuto)).count() * 0.02);
    m.put("teleop_s", recs.stream().filter(enabled.and(DslogRecord::robotTeleop)).count() * 0.02);
    List<Double> v =
        recs.stream().filter(enabled.and(validV)).map(DslogRecord::batteryVolts).sorted().toList();
    m.put("v_min", v.isEmpty() ? null : v.get(0));
    m.put("v_p05", v.isEmpty() ? null : v.get(rank(0.05, v.size()) - 1));
    m.put("v_mean", v.isEmpty() ? null : v.stream().mapToDouble(d -> d).average().orElseThrow());
    m.put("below_7v_s", v.stream().filter(x -> x < 7.0).count() * 0.02);
    long brown = recs.stream().filter(DslogRecord::brownout).count();
    long runs = 0;
    for (int i = 0; i < recs.size(); i++) {
      if (recs.get(i).brownout() && (i == 0 || !recs.get(i - 1).brownout())) {
        runs++;
      }
    }
    m.put("brownout_s", brown * 0.02);
    m.put("brownout_events", runs);
    double peak = -1;
    int channels = recs.stream().mapToInt(DslogRecord::channelCount).max().orElse(0);
    double[] energy = new double[channels];
    double[] charge = new double[channels];
    for (DslogRecord r : recs) {
      if (r.channelCount() == 0) {
        continue;
      }
      double total = 0;
      for (int c = 0; c < r.channelCount(); c++) {
        total += r.currentA(c);
        charge[c] += r.currentA(c) * 0.02 / 3600;
        if (validV.test(r)) {
          energy[c] += r.currentA(c) * r.batteryVolts() * 0.02 / 3600;
        }
      }
      peak = Math.max(peak, total);
    }
    m.put("i_peak", peak < 0 ? null : peak);
    m.put("energy_wh", Arrays.stream(energy).sum());
    m.put("charge_ah", Arrays.stream(charge).sum());
    m.put("channel_energy_wh", Arrays.stream(energy).boxed().toList());
    m.put("channel_charge_ah", Arrays.stream(charge).boxed().toList());
    List<Double> trips = recs.stream().map(DslogRecord::tripMs).sorted().toList();
    m.put("trip_ms_mean", trips.stream().mapToDouble(d -> d).average().orElseThrow());
    m.put("trip_ms_p95", trips.get(rank(0.95, trips.size()) - 1));
    m.put(
        "loss_pct_mean",
        recs.stream().mapToInt(DslogRecord::packetLossPct).average().orElseThrow());
    m.put("can_pct_max", recs.stream().mapToDouble(DslogRecord::canUtilPct).max().orElseThrow());
    m.put("cpu_pct_max", recs.stream().mapToDouble(DslogRecord::rioCpuPct).max().orElseThrow());
    List<double[]> xy = new ArrayList<>();
    for (DslogRecord r : recs) {
      if (enabled.test(r) && validV.test(r) && r.channelCount() > 0) {
        double total = 0;
        for (int c = 0; c < r.channelCount(); c++) {
          total += r.currentA(c);
        }
        xy.add(new double[] {total, r.batteryVolts()});
      }
    }
    double mx = xy.stream().mapToDouble(p -> p[0]).average().orElse(0);
    double my = xy.stream().mapToDouble(p -> p[1]).average().orElse(0);
    double sxx = 0, sxy = 0, syy = 0, lo = Double.MAX_VALUE, hi = -Double.MAX_VALUE;
    for (double[] p : xy) {
      sxx += (p[0] - mx) * (p[0] - mx);
      sxy += (p[0] - mx) * (p[1] - my);
      syy += (p[1] - my) * (p[1] - my);
      lo = Math.min(lo, p[0]);
      hi = Math.max(hi, p[0]);
    }
    double r2 = sxx == 0 || syy == 0 ? 0 : sxy * sxy / (sxx * syy);
    boolean kept = xy.size() >= 250 && r2 >= 0.3 && hi - lo >= 20;
    m.put("resistance_mohm", kept ? -sxy / sxx * 1000 : null);
    m.put("resistance_r2", kept ? r2 : null);
    m.put("resistance_n", (long) xy.size());
    return m;
  }

  /** ⌈q·N⌉ without floating noise deciding it (0.05 × 100 is 5.000000000000001). */
  static int rank(double q, int n) {
    return Math.max(1, (int) Math.ceil(q * n - 1e-9));
  }

  static void assertSummary(Map<String, Object> actual, Map<String, Object> expected) {
    for (Map.Entry<String, Object> e : expected.entrySet()) {
      Object a = actual.get(e.getKey());
      Object x = e.getValue();
      if (x instanceof Double d) {
        assertThat(a).as(e.getKey()).isInstanceOf(Double.class);
        assertThat((Double) a).as(e.getKey()).isCloseTo(d, within(1e-9 * Math.max(1, Math.abs(d))));
      } else if (x instanceof List<?> l) {
        List<?> al = (List<?>) a;
        assertThat(al).as(e.getKey()).hasSameSizeAs(l);
        for (int i = 0; i < l.size(); i++) {
          assertThat((Double) al.get(i))
              .as(e.getKey() + "[" + i + "]")
              .isCloseTo((Double) l.get(i), within(1e-9));
        }
      } else {
        assertThat(a).as(e.getKey()).isEqualTo(x);
      }
    }
  }

  @ParameterizedTest
  @MethodSource("samples")
  void everyMetricOfEverySampleAsDefined(Path log) throws Exception {
    List<DslogRecord> recs = records(java.nio.file.Files.readAllBytes(log));
    LogSummary s = new LogSummary(log.getFileName().toString(), null, tally(recs), MatchInfo.NONE);
    Map<String, Object> actual = s.toMap();
    assertThat(actual.keySet()).containsExactlyElementsOf(LogSummary.KEYS);
    assertSummary(actual, expected(recs));
  }

  static final Instant START = Instant.parse("2026-03-07T18:14:50Z");

  @Test
  void theSummaryJsonIsJsonWhateverTheNames() throws Exception {
    byte[] log =
        new SyntheticLogs(START)
            .records(300, 3000, SyntheticLogs.TELEOP, SyntheticLogs.channel(3, 7.5))
            .bytes();
    LogSummary s =
        new LogSummary(
            "odd \"name\"\\ with\na break\u0001.dslog",
            START,
            tally(records(log)),
            new MatchInfo("Qualification", 3, 1, "EV\"T", "BAT-2026-001"));
    com.fasterxml.jackson.databind.ObjectMapper json =
        new com.fasterxml.jackson.databind.ObjectMapper();
    Map<String, Object> back =
        json.readValue(
            s.toJson(),
            new com.fasterxml.jackson.core.type.TypeReference<LinkedHashMap<String, Object>>() {});
    assertThat(back.keySet()).containsExactlyElementsOf(LogSummary.KEYS);
    assertThat(back.get("file")).isEqualTo(s.file());
    assertThat(back.get("event_name")).isEqualTo("EV\"T");
    assertThat(back.get("records")).isEqualTo(300);
    assertThat(back.get("v_mean")).isEqualTo(3000 / 256.0);
    assertThat((List<?>) back.get("channel_energy_wh")).hasSize(24);
    assertThat(back.get("resistance_mohm")).isNull();
  }

  @Test
  void constantTenAmpsOnChannelFourForFiftySecondsAtTwelveVoltsIsOnePointSixSixSevenWh()
      throws Exception {
    byte[] log =
        new SyntheticLogs(START)
            .records(2500, 12 * 256, SyntheticLogs.TELEOP, SyntheticLogs.channel(4, 10))
            .bytes();
    Map<String, Object> s = new LogSummary("x", START, tally(records(log)), MatchInfo.NONE).toMap();
    assertThat((Double) s.get("energy_wh")).isCloseTo(10 * 12 * 50 / 3600.0, within(1e-12));
    assertThat((Double) s.get("charge_ah")).isCloseTo(10 * 50 / 3600.0, within(1e-12));
    @SuppressWarnings("unchecked")
    List<Double> channels = (List<Double>) s.get("channel_energy_wh");
    assertThat(channels).hasSize(24);
    assertThat(channels.get(4)).isCloseTo(1.6667, within(5e-5));
    assertThat(channels.stream().mapToDouble(d -> d).sum())
        .isCloseTo(channels.get(4), within(1e-12));
    assertThat(s.get("i_peak")).isEqualTo(10.0);
    assertThat(s.get("enabled_s")).isEqualTo(50.0);
    assertThat(s.get("teleop_s")).isEqualTo(50.0);
    assertThat(s.get("v_min")).isEqualTo(12.0);
    // a constant current has no span: no resistance
    assertThat(s.get("resistance_mohm")).isNull();
  }

  @Test
  void aLinearLoadOfEighteenMilliohmsIsFoundExactly() throws Exception {
    // V = 12.5 − 0.018·I with I in steps of 15.625 A (so V × 256 is whole): R = 18 mΩ, R² = 1
    SyntheticLogs w = new SyntheticLogs(START);
    for (int i = 0; i < 300; i++) {
      int step = i % 9; // 0 … 125 A
      int[] c = new int[24];
      int sixteenths = step * 250; // 15.625 A = 250 sixteenths
      for (int ch = 0; sixteenths > 0; ch++) {
        int here = Math.min(sixteenths, 100 * 16);
        c[ch] = here;
        sixteenths -= here;
      }
      w.record(10, 3200 - 72 * step, SyntheticLogs.TELEOP, c);
    }
    Map<String, Object> s =
        new LogSummary("x", START, tally(records(w.bytes())), MatchInfo.NONE).toMap();
    assertThat((Double) s.get("resistance_mohm")).isCloseTo(18.0, within(1e-9));
    assertThat((Double) s.get("resistance_r2")).isCloseTo(1.0, within(1e-12));
    assertThat(s.get("resistance_n")).isEqualTo(300L);
    assertThat(s.get("i_peak")).isEqualTo(125.0);
    assertThat(s.get("v_min")).isEqualTo(10.25);
  }

  @Test
  void exactlyThreeBrownoutsAreThreeEvents() throws Exception {
    SyntheticLogs w = new SyntheticLogs(START);
    int brown = SyntheticLogs.TELEOP & ~SyntheticLogs.BROWNOUT_BIT;
    w.records(10, 3000, SyntheticLogs.TELEOP, null)
        .records(5, 1700, brown, null) // run 1, below 7 V
        .records(10, 3000, SyntheticLogs.TELEOP, null)
        .records(1, 1800, brown, null) // run 2
        .records(3, 3000, SyntheticLogs.TELEOP, null)
        .records(7, 1790, brown, null); // run 3, to the end
    Map<String, Object> s =
        new LogSummary("x", START, tally(records(w.bytes())), MatchInfo.NONE).toMap();
    assertThat(s.get("brownout_events")).isEqualTo(3L);
    assertThat((Double) s.get("brownout_s")).isCloseTo(13 * 0.02, within(1e-12));
    // 1700 and 1790 (6.99 V) are below 7 V, 1800 (7.03 V) is not
    assertThat((Double) s.get("below_7v_s")).isCloseTo(12 * 0.02, within(1e-12));
    // no PD block at all: no peak, no energy, no channels
    assertThat(s.get("i_peak")).isNull();
    assertThat(s.get("energy_wh")).isEqualTo(0.0);
    assertThat((List<?>) s.get("channel_energy_wh")).isEmpty();
  }

  @Test
  void stuckVoltagesNoEnabledRecordsAndATruncatedEndStillGiveASummary() throws Exception {
    byte[] stuck =
        new SyntheticLogs(START)
            .records(400, 0xFFFF, SyntheticLogs.TELEOP, SyntheticLogs.channel(2, 20))
            .bytes();
    Map<String, Object> s =
        new LogSummary("x", START, tally(records(stuck)), MatchInfo.NONE).toMap();
    assertThat(s.get("v_min")).isNull();
    assertThat(s.get("v_p05")).isNull();
    assertThat(s.get("v_mean")).isNull();
    assertThat(s.get("energy_wh")).isEqualTo(0.0);
    assertThat((Double) s.get("charge_ah")).isCloseTo(20 * 8.0 / 3600, within(1e-12));
    assertThat(s.get("resistance_mohm")).isNull();
    assertThat(s.get("resistance_n")).isEqualTo(0L);

    byte[] disabled =
        new SyntheticLogs(START).records(100, 3000, SyntheticLogs.DISABLED, null).bytes();
    Map<String, Object> d =
        new LogSummary("x", START, tally(records(disabled)), MatchInfo.NONE).toMap();
    assertThat(d.get("enabled_s")).isEqualTo(0.0);
    assertThat(d.get("v_min")).isNull();

    byte[] whole =
        new SyntheticLogs(START)
            .records(50, 3000, SyntheticLogs.AUTO, SyntheticLogs.channel(0, 5))
            .bytes();
    byte[] cut = Arrays.copyOf(whole, whole.length - 20);
    List<DslogRecord> recs = records(cut);
    assertThat(recs).hasSize(49);
    Map<String, Object> t = new LogSummary("x", START, tally(recs), MatchInfo.NONE).toMap();
    assertSummary(t, expected(recs));
    assertThat(t.get("auto_s")).isEqualTo(0.98);
  }

  @Test
  void aMergedTallyIsOnePassOverTheUnion() throws Exception {
    List<DslogRecord> a = records(java.nio.file.Files.readAllBytes(Samples.allDslogs().get(0)));
    List<DslogRecord> b = records(java.nio.file.Files.readAllBytes(Samples.allDslogs().get(3)));
    List<DslogRecord> both = new ArrayList<>(a);
    both.addAll(b);
    Map<String, Object> merged =
        new LogSummary("m", null, tally(a).plus(tally(b)), MatchInfo.NONE).toMap();
    Map<String, Object> expected = expected(both);
    // brownout runs are counted per log (a match's events add up); the samples have none across
    assertSummary(merged, expected);
    // as the season table keeps it: JSON and back, the same summary
    com.fasterxml.jackson.databind.ObjectMapper json =
        new com.fasterxml.jackson.databind.ObjectMapper();
    PowerTally t = tally(a).plus(tally(b));
    PowerTally back = json.readValue(json.writeValueAsString(t), PowerTally.class);
    assertThat(new LogSummary("m", null, back, MatchInfo.NONE).toMap()).isEqualTo(merged);
  }
}
