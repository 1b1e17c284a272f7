package dev.caravan.dslog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.testing.Samples;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.assertj.core.data.Offset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Full-file agreement with {@code samples/reference/spec-summary.jsonl}, the output of an
 * independent decoder written to the format doc: counts, header, histograms over every record, the
 * first three and the last record field by field, and the events.
 */
class SpecSummaryAgreementTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  static Stream<JsonNode> summaries() throws IOException {
    List<JsonNode> all = new ArrayList<>();
    for (String line : Files.readAllLines(Samples.SPEC_SUMMARY)) {
      if (!line.isBlank()) {
        all.add(JSON.readTree(line));
      }
    }
    assertThat(all).hasSize(6);
    return all.stream();
  }

  static Stream<JsonNode> dslogSummaries() throws IOException {
    return summaries().filter(s -> s.get("file").asText().endsWith(".dslog"));
  }

  static Stream<JsonNode> eventSummaries() throws IOException {
    return summaries().filter(s -> s.get("file").asText().endsWith(".dsevents"));
  }

  private static Path file(JsonNode s) {
    return Samples.DIR.resolve(s.get("file").asText());
  }

  private static void assertHeader(JsonNode s, DslogHeader h) {
    assertThat(h.version()).isEqualTo(s.get("version").asInt());
    assertThat(h.lvSeconds()).isEqualTo(s.get("lv_seconds").asLong());
    assertThat(String.format("%016x", h.lvFraction())).isEqualTo(s.get("lv_fraction_hex").asText());
    if (s.has("start_utc")) {
      // the reference rounds to microseconds; ours is exact to the nanosecond
      Instant ref = Instant.parse(s.get("start_utc").asText().replace("+00:00", "Z"));
      assertThat(h.start()).isBetween(ref.minusNanos(500), ref.plusNanos(500));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dslogSummaries")
  void everyRecordAgrees(JsonNode s) throws IOException {
    Map<String, Integer> pdLengths = new HashMap<>();
    Map<String, Integer> statuses = new HashMap<>();
    int missingVoltage = 0;
    List<DslogRecord> firstThree = new ArrayList<>();
    DslogRecord last = null;
    try (DslogReader reader = DslogReader.open(file(s))) {
      assertHeader(s, reader.header());
      for (DslogRecord r = reader.next(); r != null; r = reader.next()) {
        pdLengths.merge(Integer.toString(r.pdLength()), 1, Integer::sum);
        statuses.merge(String.format("0x%02x", r.statusRaw()), 1, Integer::sum);
        if (!r.hasBatteryVoltage()) {
          missingVoltage++;
        }
        if (firstThree.size() < 3) {
          firstThree.add(r);
        }
        last = r;
      }
      assertThat(reader.count()).isEqualTo(s.get("records").asInt());
      assertThat(reader.offset()).isEqualTo(s.get("bytes").asLong());
    }
    assertThat(pdLengths).isEqualTo(toMap(s.get("pd_len_histogram")));
    assertThat(statuses).isEqualTo(toMap(s.get("status_mask_histogram")));
    assertThat(missingVoltage).isEqualTo(s.get("voltage_0xFFFF_records").asInt());
    for (int i = 0; i < 3; i++) {
      assertRecord(s.get("first3").get(i), firstThree.get(i));
    }
    assertRecord(s.get("last"), last);
  }

  private static Map<String, Integer> toMap(JsonNode histogram) {
    Map<String, Integer> m = new HashMap<>();
    histogram.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asInt()));
    return m;
  }

  /** Every field the reference has for a record. */
  static void assertRecord(JsonNode e, DslogRecord r) {
    String at = "record " + e.get("i").asInt();
    assertThat(r.index()).as(at).isEqualTo(e.get("i").asInt());
    assertThat(r.relativeNanos() / 1e9).as(at).isEqualTo(e.get("t_rel").asDouble());
    assertThat(r.tripMs()).as(at).isEqualTo(e.get("trip_ms").asDouble());
    assertThat(r.packetLossRaw()).as(at).isEqualTo(e.get("loss_raw").asInt());
    assertThat(r.packetLossPct()).as(at).isEqualTo(e.get("loss_pct").asInt());
    assertThat(r.voltageRaw() / 256.0).as(at).isEqualTo(e.get("volts").asDouble());
    assertThat(r.hasBatteryVoltage()).as(at).isEqualTo(e.get("volts_valid").asBoolean());
    assertThat(r.rioCpuPct()).as(at).isEqualTo(e.get("cpu_pct").asDouble());
    assertThat(String.format("0x%02x", r.statusRaw())).as(at).isEqualTo(e.get("mask").asText());
    assertThat(r.robotDisabled()).as(at).isEqualTo(e.get("robot_disabled").asBoolean());
    assertThat(r.robotAuto()).as(at).isEqualTo(e.get("robot_auto").asBoolean());
    assertThat(r.robotTeleop()).as(at).isEqualTo(e.get("robot_teleop").asBoolean());
    assertThat(r.dsDisabled()).as(at).isEqualTo(e.get("ds_disabled").asBoolean());
    assertThat(r.dsAuto()).as(at).isEqualTo(e.get("ds_auto").asBoolean());
    assertThat(r.dsTeleop()).as(at).isEqualTo(e.get("ds_teleop").asBoolean());
    assertThat(r.watchdog()).as(at).isEqualTo(e.get("watchdog").asBoolean());
    assertThat(r.brownout()).as(at).isEqualTo(e.get("brownout").asBoolean());
    assertThat(r.canUtilPct()).as(at).isEqualTo(e.get("can_pct").asDouble());
    assertThat(r.wifiDb()).as(at).isEqualTo(e.get("wifi_db").asDouble());
    assertThat(r.bandwidthMbps()).as(at).isEqualTo(e.get("bw_mb").asDouble());
    assertThat(r.pdLength()).as(at).isEqualTo(e.get("pd_len").asInt());
    if (!e.has("pd")) {
      assertThat(r.pdType()).as(at).isEqualTo(PdType.NONE);
      return;
    }
    assertThat(r.pdType().name()).as(at).isEqualTo(e.get("pd").asText().toUpperCase(Locale.ROOT));
    assertThat(r.pdCanId()).as(at).isEqualTo(e.get("can_id").asInt());
    JsonNode currents = e.get("currents");
    assertThat(r.channelCount()).as(at).isEqualTo(currents.size());
    for (int ch = 0; ch < currents.size(); ch++) {
      assertThat(r.currentA(ch)).as("%s ch%d", at, ch).isEqualTo(currents.get(ch).asDouble());
    }
    if (r.pdType() == PdType.CTRE) {
      assertThat(r.pdpResistanceRaw()).as(at).isEqualTo(e.get("pdp_res_raw").asInt());
      assertThat(r.pdpBusVolts()).as(at).isEqualTo(e.get("pdp_volts").asDouble());
      assertThat(r.pdpTemperatureC())
          .as(at)
          .isCloseTo(e.get("pdp_temp_c").asDouble(), Offset.offset(0.005));
    } else {
      assertThat(r.pdhFaultFlags() >>> 16).as(at).isEqualTo(e.get("last_byte").asInt());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("eventSummaries")
  void everyEventAgrees(JsonNode s) throws IOException {
    List<DsEvent> events = new ArrayList<>();
    try (DsEventsReader reader = DsEventsReader.open(file(s))) {
      assertHeader(s, reader.header());
      for (DsEvent e = reader.next(); e != null; e = reader.next()) {
        events.add(e);
      }
      assertThat(reader.truncated()).isFalse();
      assertThat(reader.offset()).isEqualTo(s.get("bytes").asLong());
    }
    assertThat(events).hasSize(s.get("events").asInt());
    for (int i = 0; i < 3; i++) {
      assertEvent(s.get("first3").get(i), events.get(i));
    }
    assertEvent(s.get("last"), events.get(events.size() - 1));
  }

  private static void assertEvent(JsonNode e, DsEvent event) {
    assertThat(event.text()).isEqualTo(e.get("text").asText());
    assertThat(event.text().length()).isEqualTo(e.get("len").asInt());
    // the reference rounds to 0.1 ms
    assertThat(event.relativeNanos() / 1e9)
        .isCloseTo(e.get("t_rel").asDouble(), Offset.offset(5e-5));
  }
}
