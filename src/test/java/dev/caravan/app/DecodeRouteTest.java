package dev.caravan.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.convert.LogConverter;
import dev.caravan.csv.DslogCsvWriter;
import dev.caravan.dslog.LogKind;
import dev.caravan.ledger.FileRow;
import dev.caravan.ledger.FileState;
import dev.caravan.testing.Samples;
import java.io.ByteArrayOutputStream;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The decode routes in chunks: what they deliver is byte for byte what {@code caravan convert}
 * writes, whatever the chunk size; and the route's filter and columns cut that same CSV as a person
 * would, row by row and column by column.
 */
class DecodeRouteTest {

  @TempDir Path tmp;

  /** What {@code convert} writes for a sample, all records, all columns. */
  private static byte[] converted(Path log) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new LogConverter(r -> true, e -> true, false).convert(log, LogKind.of(log), out, null);
    return out.toByteArray();
  }

  @Test
  void chunksOfAnySizeGiveTheCsvOfConvert() throws Exception {
    // 7 does not divide any sample's count: every log ends in a partial chunk
    try (AppHarness app = new AppHarness(tmp, null).set("caravan.decode.chunk", "7").start()) {
      Files.copy(Samples.dslog(Samples.CTRE), app.inbox.resolve(Samples.CTRE + ".dslog"));
      Files.copy(Samples.dsevents(Samples.CTRE), app.inbox.resolve(Samples.CTRE + ".dsevents"));
      Files.copy(Samples.dslog(Samples.MIXED), app.inbox.resolve(Samples.MIXED + ".dslog"));
      app.awaitFiles(3);
      assertThat(app.files()).extracting(FileRow::state).containsOnly(FileState.DONE);
      assertThat(Files.readAllBytes(app.archive.resolve("2022/02/26/" + Samples.CTRE + ".v1.csv")))
          .isEqualTo(converted(Samples.dslog(Samples.CTRE)));
      assertThat(
              Files.readAllBytes(
                  app.archive.resolve("2022/02/26/" + Samples.CTRE + ".v1.events.csv")))
          .isEqualTo(converted(Samples.dsevents(Samples.CTRE)));
      assertThat(Files.readAllBytes(app.archive.resolve("2022/03/19/" + Samples.MIXED + ".v1.csv")))
          .isEqualTo(converted(Samples.dslog(Samples.MIXED)));
    }
  }

  @Test
  void theFilterAndTheColumnsCutTheFullCsv() throws Exception {
    String columns = "time_utc,battery_v,pd_total_a,robot_mode";
    try (AppHarness app =
        new AppHarness(tmp, null)
            .set("caravan.decode.filter", "${body.robotDisabled} == false")
            .set("caravan.decode.columns", columns)
            .set("caravan.insight.enabled", "true")
            .start()) {
      Files.copy(Samples.dslog(Samples.MIXED), app.inbox.resolve("match.dslog"));
      app.awaitFiles(1);
      List<CSVRecord> full =
          parse(new String(converted(Samples.dslog(Samples.MIXED)), StandardCharsets.UTF_8));
      List<List<String>> expected = new ArrayList<>();
      for (CSVRecord r : full) {
        if (r.get("robot_disabled").equals("false")) {
          List<String> row = new ArrayList<>();
          for (String c : columns.split(",")) {
            row.add(r.get(c));
          }
          expected.add(row);
        }
      }
      assertThat(expected).isNotEmpty().hasSizeLessThan(full.size());
      String csv = Files.readString(app.archive.resolve("2022/03/19/match.v1.csv"));
      assertThat(csv.substring(0, csv.indexOf('\n'))).isEqualTo(columns);
      List<List<String>> got = new ArrayList<>();
      for (CSVRecord r : parse(csv)) {
        got.add(r.toList());
      }
      assertThat(got).isEqualTo(expected);
      // the summary still counts every record, whatever the filter kept
      Path summary = app.archive.resolve("2022/03/19/match.v1.summary.json");
      AppHarness.await(
          java.time.Duration.ofSeconds(30), "the summary delivered", () -> Files.exists(summary));
      assertThat(
              new com.fasterxml.jackson.databind.ObjectMapper()
                  .readTree(summary.toFile())
                  .get("records")
                  .asLong())
          .isEqualTo(full.size());
    }
  }

  @Test
  void aWpilogArrivesRawAndAsLongFormatCsv() throws Exception {
    byte[] log =
        new dev.caravan.testing.WpilogWriter("")
            .start(1, "/SystemStats/BatteryVoltage", "double", "", 0)
            .start(2, "/DS:enabled", "boolean", "", 0)
            .float64(1, 20_000, 12.5)
            .bool(2, 20_000, true)
            .float64(1, 40_000, 11.75)
            .bytes();
    try (AppHarness app = new AppHarness(tmp, null).set("caravan.decode.chunk", "2").start()) {
      Path staged = tmp.resolve("robot.wpilog");
      Files.write(staged, log);
      Files.copy(staged, app.inbox.resolve("robot.wpilog"));
      app.awaitFiles(1);
      assertThat(app.files()).extracting(FileRow::state).containsExactly(FileState.DONE);
      // no header time in a .wpilog: the day it was taken
      Path day = app.archive.resolve(dev.caravan.files.Layout.day(null));
      assertThat(Files.readAllBytes(day.resolve("robot.wpilog"))).isEqualTo(log);
      String csv = Files.readString(day.resolve("robot.v1.wpilog.csv"));
      assertThat(csv)
          .isEqualTo(
              "timestamp_us,entry,type,value\n"
                  + "20000,/SystemStats/BatteryVoltage,double,12.5\n"
                  + "20000,/DS:enabled,boolean,true\n"
                  + "40000,/SystemStats/BatteryVoltage,double,11.75\n");
      assertThat(csv.getBytes(StandardCharsets.UTF_8)).isEqualTo(converted(staged));
      assertThat(app.deliveries())
          .extracting(d -> d.artifact() + " " + d.state())
          .containsExactlyInAnyOrder("raw VERIFIED", "wpilog.csv VERIFIED");
    }
  }

  @Test
  void anUnknownColumnIsRefusedNamingItAndTheColumnsThatExist() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> DslogCsvWriter.columns("time_utc,volts"))
        .hasMessageContaining("'volts'")
        .hasMessageContaining("battery_v");
  }

  private static List<CSVRecord> parse(String csv) throws Exception {
    try (Reader r = new StringReader(csv);
        CSVParser p =
            CSVParser.parse(
                r, CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get())) {
      return p.getRecords();
    }
  }
}
