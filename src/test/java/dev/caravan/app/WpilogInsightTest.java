package dev.caravan.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.ledger.DeliveryState;
import dev.caravan.testing.WpilogWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code .wpilog} with the robot's power and modes (WPILib's DriverStation entries,
 * AdvantageKit's battery, brownout and PD currents) gets the same summary as a {@code .dslog}: the
 * expected values are worked out here from the README's definitions, sampling the entries' values
 * every 20 ms.
 */
class WpilogInsightTest {

  @TempDir Path tmp;

  /** Each entry's changes: time (µs) → value. */
  static final TreeMap<Long, Boolean> ENABLED = new TreeMap<>();

  static final TreeMap<Long, Boolean> AUTO = new TreeMap<>();
  static final TreeMap<Long, Double> VOLTS = new TreeMap<>();
  static final TreeMap<Long, Boolean> BROWNOUT = new TreeMap<>();
  static final TreeMap<Long, double[]> AMPS = new TreeMap<>();

  static {
    ENABLED.put(1_000_000L, false);
    AUTO.put(1_000_000L, false);
    VOLTS.put(1_000_000L, 12.5);
    BROWNOUT.put(1_000_000L, false);
    AMPS.put(1_000_000L, new double[] {1.0, 2.0});
    ENABLED.put(2_000_000L, true);
    AUTO.put(2_000_000L, true);
    AUTO.put(17_000_000L, false);
    VOLTS.put(20_000_000L, 6.5);
    BROWNOUT.put(20_000_000L, true);
    AMPS.put(20_000_000L, new double[] {100.0, 50.0});
    BROWNOUT.put(20_500_000L, false);
    VOLTS.put(21_000_000L, 12.0);
    AMPS.put(21_000_000L, new double[] {10.0, 5.0});
    ENABLED.put(30_000_000L, false);
    VOLTS.put(31_000_000L, 12.25);
  }

  static byte[] log() {
    WpilogWriter w =
        new WpilogWriter("")
            .start(1, "DS:enabled", "boolean", "", 0)
            .start(2, "DS:autonomous", "boolean", "", 0)
            .start(3, "/SystemStats/BatteryVoltage", "double", "", 0)
            .start(4, "/SystemStats/BrownedOut", "boolean", "", 0)
            .start(5, "/PowerDistribution/ChannelCurrent", "double[]", "", 0)
            .start(6, "/Drive/Pose", "string", "", 0);
    // in time order, as a log is written
    TreeMap<Long, List<Runnable>> byTime = new TreeMap<>();
    ENABLED.forEach(
        (t, v) -> byTime.computeIfAbsent(t, k -> new ArrayList<>()).add(() -> w.bool(1, t, v)));
    AUTO.forEach(
        (t, v) -> byTime.computeIfAbsent(t, k -> new ArrayList<>()).add(() -> w.bool(2, t, v)));
    VOLTS.forEach(
        (t, v) -> byTime.computeIfAbsent(t, k -> new ArrayList<>()).add(() -> w.float64(3, t, v)));
    BROWNOUT.forEach(
        (t, v) -> byTime.computeIfAbsent(t, k -> new ArrayList<>()).add(() -> w.bool(4, t, v)));
    AMPS.forEach(
        (t, v) -> byTime.computeIfAbsent(t, k -> new ArrayList<>()).add(() -> w.doubles(5, t, v)));
    byTime
        .computeIfAbsent(5_000_000L, k -> new ArrayList<>())
        .add(() -> w.string(6, 5_000_000L, "x"));
    byTime.values().forEach(l -> l.forEach(Runnable::run));
    return w.bytes();
  }

  @Test
  void convertSummarizesAWpilogLikeTheRouteApplication() throws Exception {
    Path in = Files.createDirectories(tmp.resolve("in"));
    Files.write(in.resolve("robot.wpilog"), log());
    Files.write(
        in.resolve("other.wpilog"),
        new WpilogWriter("").start(1, "/Drive/Pose", "string", "", 0).string(1, 10, "y").bytes());
    Path out = tmp.resolve("out");
    assertThat(
            dev.caravan.cli.CaravanCommand.execute(
                "convert", in.toString(), "--out", out.toString(), "-q"))
        .isZero();
    assertThat(out.resolve("other.summary.json")).doesNotExist();
    JsonNode s = new ObjectMapper().readTree(out.resolve("robot.summary.json").toFile());
    assertThat(s.get("file").asText()).isEqualTo("robot.wpilog");
    assertThat(s.get("records").asLong()).isEqualTo(1501);
    assertThat(s.get("v_min").asDouble()).isEqualTo(6.5);
    assertThat(s.get("i_peak").asDouble()).isEqualTo(150.0);
    assertThat(s.get("brownout_events").asLong()).isEqualTo(1);
  }

  @Test
  void aWpilogWithThePowerEntriesGetsTheSummaryOfItsSamples() throws Exception {
    // the definitions, sample by sample: every 20 ms from the first record to the last, each
    // entry's
    // latest value at or before that moment
    long samples = 0, enabled = 0, auto = 0, teleop = 0, below7 = 0, brown = 0, brownEvents = 0;
    double vMin = Double.MAX_VALUE, iPeak = 0, energyWh = 0;
    boolean wasBrown = false;
    for (long t = 1_000_000; t <= 31_000_000; t += 20_000) {
      samples++;
      boolean en = ENABLED.floorEntry(t).getValue();
      boolean au = AUTO.floorEntry(t).getValue();
      double v = VOLTS.floorEntry(t).getValue();
      boolean bo = BROWNOUT.floorEntry(t).getValue();
      double[] a = AMPS.floorEntry(t).getValue();
      double total = a[0] + a[1];
      if (en) {
        enabled++;
        auto += au ? 1 : 0;
        teleop += au ? 0 : 1;
        vMin = Math.min(vMin, v);
        below7 += v < 7 ? 1 : 0;
      }
      brown += bo ? 1 : 0;
      brownEvents += bo && !wasBrown ? 1 : 0;
      wasBrown = bo;
      iPeak = Math.max(iPeak, total);
      energyWh += total * v * 0.02 / 3600;
    }
    try (AppHarness app =
        new AppHarness(tmp, null).set("caravan.insight.enabled", "true").start()) {
      Files.write(app.inbox.resolve("robot.wpilog"), log());
      Files.write(
          app.inbox.resolve("other.wpilog"),
          new WpilogWriter("").start(1, "/Drive/Pose", "string", "", 0).string(1, 10, "y").bytes());
      app.awaitFiles(2);
      AppHarness.await(
          Duration.ofSeconds(30),
          "the summary in the archive",
          () ->
              app.deliveries().stream()
                  .anyMatch(
                      d ->
                          d.artifact().equals("summary.json")
                              && d.state() == DeliveryState.VERIFIED));
      var summaries =
          app.deliveries().stream()
              .filter(d -> d.artifact().equals("summary.json") && d.destination().equals("archive"))
              .toList();
      assertThat(summaries)
          .as("a summary for the log with the entries, none for the other")
          .hasSize(1);
      JsonNode s =
          new ObjectMapper().readTree(app.archive.resolve(summaries.get(0).remotePath()).toFile());
      assertThat(s.get("file").asText()).isEqualTo("robot.wpilog");
      assertThat(s.get("records").asLong()).isEqualTo(samples).isEqualTo(1501);
      assertThat(s.get("enabled_s").asDouble()).isEqualTo(enabled * 0.02, within(0.005));
      assertThat(s.get("auto_s").asDouble()).isEqualTo(auto * 0.02, within(0.005));
      assertThat(s.get("teleop_s").asDouble()).isEqualTo(teleop * 0.02, within(0.005));
      assertThat(s.get("v_min").asDouble()).isEqualTo(vMin);
      assertThat(s.get("below_7v_s").asDouble()).isEqualTo(below7 * 0.02, within(0.005));
      assertThat(s.get("brownout_s").asDouble()).isEqualTo(brown * 0.02, within(0.005));
      assertThat(s.get("brownout_events").asLong()).isEqualTo(brownEvents).isEqualTo(1);
      assertThat(s.get("i_peak").asDouble()).isEqualTo(iPeak);
      assertThat(s.get("energy_wh").asDouble()).isEqualTo(energyWh, within(1e-9));
      // a .wpilog has no link figures: unknown, not zero
      assertThat(s.get("trip_ms_mean").isNull()).isTrue();
      assertThat(s.get("loss_pct_mean").isNull()).isTrue();
    }
  }
}
