package dev.caravan.csv;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.dslog.DslogReader;
import dev.caravan.dslog.DslogRecord;
import dev.caravan.dslog.PdType;
import dev.caravan.testing.Samples;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The hand-formatted CSV must say exactly what the decoder decoded, on every field of every record
 * of every sample: parsed back with Commons CSV and compared as exact decimals.
 */
class DslogCsvWriterTest {

  static List<CSVRecord> writeAndParse(String sample, String fileName, List<DslogRecord> records)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DslogReader reader = DslogReader.open(Samples.dslog(sample));
        DslogCsvWriter writer = new DslogCsvWriter(out, fileName)) {
      for (DslogRecord r = reader.next(); r != null; r = reader.next()) {
        records.add(r);
        writer.write(r);
      }
    }
    String csv = out.toString(StandardCharsets.UTF_8);
    assertThat(csv).doesNotContain("\r").endsWith("\n");
    try (CSVParser parser =
        CSVParser.parse(
            new StringReader(csv),
            CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get())) {
      assertThat(parser.getHeaderNames()).isEqualTo(DslogCsvWriter.COLUMNS);
      return parser.getRecords();
    }
  }

  @Test
  void columnsAreTheFormatDocsThenDerived() {
    List<String> expected =
        new ArrayList<>(
            List.of(
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
                "pd_can_id"));
    for (int ch = 0; ch < 24; ch++) {
      expected.add("pd_ch" + ch);
    }
    expected.addAll(List.of("pdp_resistance_raw", "pdp_bus_v", "pdp_temp_c", "pdh_fault_flags"));
    assertThat(DslogCsvWriter.COLUMNS.subList(0, expected.size())).isEqualTo(expected);
    assertThat(DslogCsvWriter.COLUMNS.subList(expected.size(), DslogCsvWriter.COLUMNS.size()))
        .containsExactly("pd_total_a", "robot_mode", "ds_mode");
  }

  @ParameterizedTest
  @ValueSource(strings = {Samples.CTRE, Samples.REV, Samples.NONE, Samples.MIXED})
  void everyFieldOfEveryRowIsTheDecodedValue(String sample) throws IOException {
    List<DslogRecord> records = new ArrayList<>();
    List<CSVRecord> rows = writeAndParse(sample, sample + ".dslog", records);
    assertThat(rows).hasSize(records.size());
    for (int i = 0; i < rows.size(); i++) {
      CSVRecord row = rows.get(i);
      DslogRecord r = records.get(i);
      assertThat(row.size()).isEqualTo(DslogCsvWriter.COLUMNS.size());
      assertThat(row.get("file")).isEqualTo(sample + ".dslog");
      assertThat(row.get("record_index")).isEqualTo(Integer.toString(i));
      assertThat(row.get("time_utc")).isEqualTo(r.time().toString());
      exact(row, "t_rel_s", r.relativeNanos() / 1e9);
      exact(row, "trip_ms", r.tripMs());
      assertThat(row.get("packet_loss_raw")).isEqualTo(Integer.toString(r.packetLossRaw()));
      assertThat(row.get("packet_loss_pct")).isEqualTo(Integer.toString(r.packetLossPct()));
      if (r.hasBatteryVoltage()) {
        exact(row, "battery_v", r.batteryVolts());
      } else {
        assertThat(row.get("battery_v")).isEmpty();
      }
      exact(row, "rio_cpu_pct", r.rioCpuPct());
      exact(row, "can_util_pct", r.canUtilPct());
      exact(row, "wifi_db", r.wifiDb());
      exact(row, "bandwidth_mbps", r.bandwidthMbps());
      assertThat(row.get("status_raw")).isEqualTo(String.format("0x%02x", r.statusRaw()));
      assertThat(row.get("brownout")).isEqualTo(Boolean.toString(r.brownout()));
      assertThat(row.get("watchdog")).isEqualTo(Boolean.toString(r.watchdog()));
      assertThat(row.get("ds_teleop")).isEqualTo(Boolean.toString(r.dsTeleop()));
      assertThat(row.get("ds_auto")).isEqualTo(Boolean.toString(r.dsAuto()));
      assertThat(row.get("ds_disabled")).isEqualTo(Boolean.toString(r.dsDisabled()));
      assertThat(row.get("robot_teleop")).isEqualTo(Boolean.toString(r.robotTeleop()));
      assertThat(row.get("robot_auto")).isEqualTo(Boolean.toString(r.robotAuto()));
      assertThat(row.get("robot_disabled")).isEqualTo(Boolean.toString(r.robotDisabled()));
      assertThat(row.get("pd_type")).isEqualTo(r.pdType().label());
      double total = 0;
      for (int ch = 0; ch < 24; ch++) {
        if (ch < r.channelCount()) {
          exact(row, "pd_ch" + ch, r.currentA(ch));
          total += r.currentA(ch);
        } else {
          assertThat(row.get("pd_ch" + ch)).isEmpty();
        }
      }
      if (r.pdType() == PdType.NONE) {
        assertThat(row.get("pd_can_id")).isEmpty();
        assertThat(row.get("pd_total_a")).isEmpty();
      } else {
        assertThat(row.get("pd_can_id")).isEqualTo(Integer.toString(r.pdCanId()));
        exact(row, "pd_total_a", total);
      }
      if (r.pdType() == PdType.CTRE) {
        assertThat(row.get("pdp_resistance_raw")).isEqualTo(Integer.toString(r.pdpResistanceRaw()));
        exact(row, "pdp_bus_v", r.pdpBusVolts());
        assertThat(new BigDecimal(row.get("pdp_temp_c")))
            .isEqualByComparingTo(
                BigDecimal.valueOf(r.pdpTemperatureC())
                    .setScale(2, java.math.RoundingMode.HALF_UP));
        assertThat(row.get("pdh_fault_flags")).isEmpty();
      } else {
        assertThat(row.get("pdp_resistance_raw")).isEmpty();
        assertThat(row.get("pdp_bus_v")).isEmpty();
        assertThat(row.get("pdp_temp_c")).isEmpty();
        assertThat(row.get("pdh_fault_flags"))
            .isEqualTo(r.pdType() == PdType.REV ? String.format("0x%06x", r.pdhFaultFlags()) : "");
      }
    }
  }

  /** The CSV text is the exact decimal of the value: no float noise, no lost digits. */
  private static void exact(CSVRecord row, String column, double value) {
    String text = row.get(column);
    assertThat(new BigDecimal(text)).as(column).isEqualByComparingTo(BigDecimal.valueOf(value));
    assertThat(text).as(column).doesNotEndWith(".0").doesNotContain("E");
  }

  @Test
  void enabledRecordsPrintAsAPersonWouldWriteThem() throws IOException {
    List<DslogRecord> records = new ArrayList<>();
    CSVRecord row = writeAndParse(Samples.CTRE, "x.dslog", records).get(4698);
    assertThat(row.get("time_utc")).isEqualTo("2022-02-26T02:27:13.815001449Z");
    assertThat(row.get("t_rel_s")).isEqualTo("93.96");
    assertThat(row.get("trip_ms")).isEqualTo("5.5");
    assertThat(row.get("packet_loss_pct")).isEqualTo("12");
    assertThat(row.get("battery_v")).isEqualTo("11.69140625");
    assertThat(row.get("status_raw")).isEqualTo("0xdb");
    assertThat(row.get("pd_type")).isEqualTo("ctre");
    assertThat(row.get("pd_ch10")).isEqualTo("3.875");
    assertThat(row.get("pd_ch5")).isEqualTo("4.25");
    assertThat(row.get("pd_ch1")).isEqualTo("2");
    assertThat(row.get("pdp_bus_v")).isEqualTo("11.85");
    assertThat(row.get("pdp_temp_c")).isEqualTo("24.04");
    assertThat(row.get("robot_mode")).isEqualTo("teleop");
    assertThat(row.get("ds_mode")).isEqualTo("teleop");

    records.clear();
    CSVRecord rev = writeAndParse(Samples.MIXED, "x.dslog", records).get(5676);
    assertThat(rev.get("t_rel_s")).isEqualTo("113.52");
    assertThat(rev.get("pd_ch18")).isEqualTo("33.625");
    assertThat(rev.get("pd_ch20")).isEqualTo("0.125");
    assertThat(rev.get("pd_total_a")).isEqualTo("123.125");
    assertThat(rev.get("robot_mode")).isEqualTo("auto");
    CSVRecord missing = writeAndParse(Samples.MIXED, "x.dslog", new ArrayList<>()).get(0);
    assertThat(missing.get("battery_v")).isEmpty();
    assertThat(missing.get("packet_loss_raw")).isEqualTo("33");
    assertThat(missing.get("packet_loss_pct")).isEqualTo("100");
    assertThat(missing.get("pd_type")).isEqualTo("none");
  }

  @Test
  void fileNamesWithCommasQuotesAndNewlinesRoundTrip() throws IOException {
    String name = "we,ird \"name\"\nwith é.dslog";
    List<CSVRecord> rows = writeAndParse(Samples.NONE, name, new ArrayList<>());
    assertThat(rows).hasSize(220).allMatch(r -> r.get("file").equals(name));
  }
}
