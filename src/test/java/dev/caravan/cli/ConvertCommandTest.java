package dev.caravan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.csv.DslogCsvWriter;
import dev.caravan.csv.EventsCsvWriter;
import dev.caravan.dslog.DsEvent;
import dev.caravan.dslog.DsEventsReader;
import dev.caravan.dslog.EventText;
import dev.caravan.testing.Samples;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code caravan convert} end to end: files written, what it prints, exit codes 0/1/2. */
class ConvertCommandTest {

  @TempDir Path tmp;
  private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
  private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
  private PrintStream oldOut;
  private PrintStream oldErr;

  @BeforeEach
  void capture() {
    oldOut = System.out;
    oldErr = System.err;
    System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restore() {
    System.setOut(oldOut);
    System.setErr(oldErr);
  }

  private String out() {
    return stdout.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return stderr.toString(StandardCharsets.UTF_8);
  }

  private static List<CSVRecord> csv(Path file, List<String> header) throws IOException {
    try (Reader r = Files.newBufferedReader(file);
        CSVParser p =
            CSVParser.parse(
                r, CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get())) {
      assertThat(p.getHeaderNames()).isEqualTo(header);
      return p.getRecords();
    }
  }

  private static List<Path> files(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).sorted().toList();
    }
  }

  @Test
  void aWpilogBecomesLongFormatCsvAndFromFiltersItsTimestamps() throws IOException {
    Path in = Files.createDirectories(tmp.resolve("in"));
    Files.write(
        in.resolve("robot.wpilog"),
        new dev.caravan.testing.WpilogWriter("")
            .start(1, "/arm/angles", "double[]", "", 0)
            .doubles(1, 20_000, 0.5, -1.25)
            .doubles(1, 40_000, 1.0)
            .bytes());
    Path outDir = tmp.resolve("out");
    assertThat(
            CaravanCommand.execute(
                "convert", in.toString(), "--out", outDir.toString(), "--from", "0.03"))
        .isZero();
    assertThat(files(outDir)).containsExactly(outDir.resolve("robot.wpilog.csv"));
    List<CSVRecord> rows =
        csv(outDir.resolve("robot.wpilog.csv"), dev.caravan.csv.WpilogCsvWriter.COLUMNS);
    assertThat(rows).hasSize(1);
    assertThat(rows.get(0).toList()).containsExactly("40000", "/arm/angles", "double[]", "[1.0]");
    assertThat(out()).contains("robot.wpilog", "2 records, 1 rows");
  }

  @Test
  void parquetHoldsTheChosenColumnsTypedRowForRow() throws Exception {
    // a name DuckDB would read as a glob, were it given the path as it is
    Path log = Files.copy(Samples.dslog(Samples.MIXED), tmp.resolve("m[1]?.dslog"));
    Path outDir = tmp.resolve("out");
    assertThat(
            CaravanCommand.execute(
                "convert",
                log.toString(),
                "--out",
                outDir.toString(),
                "--no-summary",
                "--parquet",
                "--columns",
                "time_utc,battery_v,robot_disabled"))
        .isZero();
    assertThat(files(outDir))
        .containsExactly(outDir.resolve("m[1]?.csv"), outDir.resolve("m[1]?.parquet"));
    List<CSVRecord> rows =
        csv(outDir.resolve("m[1]?.csv"), List.of("time_utc", "battery_v", "robot_disabled"));
    try (var c = java.sql.DriverManager.getConnection("jdbc:duckdb:");
        var s = c.createStatement()) {
      // read by a glob that matches only it: the ? and brackets stand for themselves here
      var types = s.executeQuery("DESCRIBE SELECT * FROM '" + outDir + "/*.parquet'");
      List<String> described = new java.util.ArrayList<>();
      while (types.next()) {
        described.add(types.getString(1) + " " + types.getString(2));
      }
      assertThat(described)
          .containsExactly("time_utc TIMESTAMP_NS", "battery_v DOUBLE", "robot_disabled BOOLEAN");
      var r =
          s.executeQuery(
              "SELECT epoch_ns(time_utc), battery_v, robot_disabled FROM '"
                  + outDir
                  + "/*.parquet'");
      int n = 0;
      while (r.next()) {
        CSVRecord row = rows.get(n++);
        java.time.Instant t = java.time.Instant.parse(row.get(0));
        assertThat(r.getLong(1)).isEqualTo(t.getEpochSecond() * 1_000_000_000L + t.getNano());
        if (row.get(1).isEmpty()) {
          assertThat(r.getObject(2)).isNull();
        } else {
          assertThat(r.getDouble(2)).isEqualTo(Double.parseDouble(row.get(1)));
        }
        assertThat(r.getBoolean(3)).isEqualTo(Boolean.parseBoolean(row.get(2)));
      }
      assertThat(n).isEqualTo(rows.size()).isPositive();
    }
  }

  @Test
  void columnsPicksAndOrdersTheColumnsOfTheFullCsv() throws IOException {
    Path log = Samples.dslog(Samples.MIXED);
    assertThat(
            CaravanCommand.execute(
                "convert", log.toString(), "--out", tmp.resolve("all").toString(), "--no-summary"))
        .isZero();
    // a file name with a comma: the file column is the one field that needs quotes
    Path named = Files.copy(log, tmp.resolve("q,1.dslog"));
    List<String> chosen = List.of("pd_total_a", "file", "time_utc", "battery_v", "pd_ch23");
    assertThat(
            CaravanCommand.execute(
                "convert",
                named.toString(),
                "--out",
                tmp.resolve("cut").toString(),
                "--no-summary",
                "--columns",
                String.join(",", chosen)))
        .isZero();
    List<CSVRecord> all = csv(tmp.resolve("all/" + Samples.MIXED + ".csv"), DslogCsvWriter.COLUMNS);
    List<CSVRecord> cut = csv(tmp.resolve("cut/q,1.csv"), chosen);
    assertThat(cut).hasSameSizeAs(all);
    for (int i = 0; i < all.size(); i++) {
      for (String c : chosen) {
        String want = c.equals("file") ? "q,1.dslog" : all.get(i).get(c);
        assertThat(cut.get(i).get(c)).as("row %d %s", i, c).isEqualTo(want);
      }
    }
    assertThat(
            CaravanCommand.execute(
                "convert", log.toString(), "--out", tmp.toString(), "--columns", "volts"))
        .isEqualTo(2);
    assertThat(err()).contains("no column 'volts'");
  }

  @Test
  void convertsTheSamplesFolderKeepingItsLayout() throws IOException {
    Path outDir = tmp.resolve("out");
    int code =
        CaravanCommand.execute("convert", Samples.DIR.toString(), "--out", outDir.toString());
    assertThat(code).as(out() + err()).isZero();
    Path sub = outDir.resolve("orangelight_DSLOG-Reader");
    assertThat(files(outDir))
        .extracting(p -> outDir.relativize(p).toString())
        .filteredOn(p -> p.startsWith("orangelight_DSLOG-Reader/") && p.endsWith(".csv"))
        .containsExactly(
            "orangelight_DSLOG-Reader/2022_02_25 21_25_39 Fri.csv",
            "orangelight_DSLOG-Reader/2022_02_25 21_25_39 Fri.events.csv",
            "orangelight_DSLOG-Reader/2022_02_27 15_17_59 Sun.csv",
            "orangelight_DSLOG-Reader/2022_02_27 15_17_59 Sun.events.csv",
            "orangelight_DSLOG-Reader/2022_02_28 21_49_43 Mon.csv",
            "orangelight_DSLOG-Reader/2022_03_19 12_55_56 Sat.csv");
    assertThat(csv(sub.resolve(Samples.CTRE + ".csv"), DslogCsvWriter.COLUMNS)).hasSize(12738);
    assertThat(csv(sub.resolve(Samples.REV + ".csv"), DslogCsvWriter.COLUMNS)).hasSize(4998);
    assertThat(csv(sub.resolve(Samples.NONE + ".csv"), DslogCsvWriter.COLUMNS)).hasSize(220);
    assertThat(csv(sub.resolve(Samples.MIXED + ".csv"), DslogCsvWriter.COLUMNS)).hasSize(13430);
    assertThat(csv(sub.resolve(Samples.CTRE + ".events.csv"), EventsCsvWriter.ENTRY_COLUMNS))
        .hasSize(552);
    assertThat(csv(sub.resolve(Samples.REV + ".events.csv"), EventsCsvWriter.ENTRY_COLUMNS))
        .hasSize(140);
    assertThat(out())
        .contains("(12738 records, 12738 rows, ")
        .contains("MB/s)")
        .contains("24 file(s): 24 converted, 0 failed; 97542 records/events");
    // a summary beside each log's CSV, and nothing else
    assertThat(files(outDir)).hasSize(24 + 13);
    assertThat(files(outDir)).filteredOn(p -> p.toString().endsWith(".summary.json")).hasSize(13);
    com.fasterxml.jackson.databind.JsonNode summary =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(sub.resolve(Samples.CTRE + ".summary.json").toFile());
    assertThat(summary.get("file").asText()).isEqualTo(Samples.CTRE + ".dslog");
    assertThat(summary.get("records").asLong()).isEqualTo(12738);
    com.fasterxml.jackson.databind.JsonNode qual =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(
                outDir
                    .resolve("RingOfFireOrg_Timber/2026_03_29 09_34_29 Sun.summary.json")
                    .toFile());
    assertThat(qual.get("match_type").asText()).isEqualTo("Qualification");
    assertThat(qual.get("match_number").asInt()).isEqualTo(52);
    assertThat(qual.get("event_name").asText()).isEqualTo("NCPEM");
  }

  @Test
  void aBadFileFailsAloneWithItsCauseAndExit1() throws IOException {
    Path in = Files.createDirectories(tmp.resolve("in"));
    Files.copy(Samples.dslog(Samples.REV), in.resolve("good.dslog"));
    Files.write(in.resolve("short.dslog"), new byte[] {0, 0, 0, 4, 1});
    byte[] v5 = Samples.bytes(Samples.dslog(Samples.NONE));
    v5[3] = 5;
    Files.write(in.resolve("v5.dsevents"), v5);
    byte[] corrupt = Samples.bytes(Samples.dslog(Samples.CTRE));
    int rec = 20 + 39 * 10;
    corrupt[rec + 10] = 0x70; // PD length word 0x70000019: past the end of the file
    Files.write(in.resolve("corrupt.dslog"), corrupt);
    byte[] cut = Samples.bytes(Samples.dslog(Samples.CTRE));
    Files.write(in.resolve("cut.dslog"), Arrays.copyOf(cut, cut.length - 7));

    Path outDir = tmp.resolve("out");
    int code = CaravanCommand.execute("convert", in.toString(), "-o", outDir.toString());

    assertThat(code).isEqualTo(1);
    assertThat(out())
        .contains("FAILED " + in.resolve("short.dslog") + ": " + in.resolve("short.dslog"))
        .contains("5 bytes long, shorter than the 20-byte .dslog header")
        .contains("unknown .dsevents version 5")
        .contains("FAILED " + in.resolve("corrupt.dslog"))
        .contains("at byte " + (rec + 10) + ": record 10 has a PD length word of 1879048217")
        .contains("(the 10 rows before it are in ")
        .contains("WARNING truncated: 32 bytes after the last complete one were left out")
        .contains("5 file(s): 2 converted, 3 failed");
    assertThat(files(outDir))
        .extracting(p -> p.getFileName().toString())
        .containsExactly(
            "corrupt.csv",
            "corrupt.summary.json",
            "cut.csv",
            "cut.summary.json",
            "good.csv",
            "good.summary.json");
    assertThat(csv(outDir.resolve("good.csv"), DslogCsvWriter.COLUMNS)).hasSize(4998);
    assertThat(csv(outDir.resolve("corrupt.csv"), DslogCsvWriter.COLUMNS)).hasSize(10);
    assertThat(csv(outDir.resolve("cut.csv"), DslogCsvWriter.COLUMNS)).hasSize(12737);
  }

  @Test
  void badUsageIsExit2() {
    assertThat(CaravanCommand.execute("convert")).isEqualTo(2);
    assertThat(CaravanCommand.execute("convert", "x.dslog")).isEqualTo(2);
    assertThat(err()).contains("Give exactly one of --out DIR and --stdout");
    assertThat(CaravanCommand.execute("convert", "x.dslog", "--out", "o", "--stdout")).isEqualTo(2);
    assertThat(CaravanCommand.execute("convert", "--bogus", "x.dslog", "--out", "o")).isEqualTo(2);
    assertThat(CaravanCommand.execute("convert", "--mode", "flying", "x", "--out", "o"))
        .isEqualTo(2);
    assertThat(CaravanCommand.execute("convert", Samples.DIR.toString(), "--stdout")).isEqualTo(2);
    assertThat(CaravanCommand.execute("frobnicate")).isEqualTo(2);
    assertThat(CaravanCommand.execute("convert", "--help")).isZero();
    assertThat(out()).contains("Usage: caravan convert").contains("--split-messages");
  }

  @Test
  void missingOrForeignInputsFailButOthersConvert() throws IOException {
    Path outDir = tmp.resolve("o");
    Path text = Files.writeString(tmp.resolve("notes.txt"), "hi");
    int code =
        CaravanCommand.execute(
            "convert",
            tmp.resolve("nope.dslog").toString(),
            text.toString(),
            Samples.dslog(Samples.NONE).toString(),
            "--out",
            outDir.toString());
    assertThat(code).isEqualTo(1);
    assertThat(out())
        .contains("nope.dslog: no such file or folder")
        .contains("notes.txt: not a .dslog, .dsevents or .wpilog file");
    assertThat(outDir.resolve(Samples.NONE + ".csv")).exists();
  }

  @Test
  void twoInputsWithTheSameNameDoNotOverwriteEachOther() throws IOException {
    Path a = Files.createDirectories(tmp.resolve("a"));
    Path b = Files.createDirectories(tmp.resolve("b"));
    Files.copy(Samples.dslog(Samples.NONE), a.resolve("x.dslog"));
    Files.copy(Samples.dslog(Samples.REV), b.resolve("x.dslog"));
    Path outDir = tmp.resolve("o");
    int code =
        CaravanCommand.execute(
            "convert",
            a.resolve("x.dslog").toString(),
            b.resolve("x.dslog").toString(),
            "--out",
            outDir.toString());
    assertThat(code).isEqualTo(1);
    assertThat(out()).contains("would overwrite the one from " + a.resolve("x.dslog"));
    assertThat(csv(outDir.resolve("x.csv"), DslogCsvWriter.COLUMNS)).hasSize(220);
  }

  @Test
  void stdoutAndModeFilter() throws IOException {
    int code =
        CaravanCommand.execute(
            "convert", Samples.dslog(Samples.MIXED).toString(), "--stdout", "--mode", "auto");
    assertThat(code).isZero();
    try (CSVParser p =
        CSVParser.parse(
            out(), CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get())) {
      List<CSVRecord> rows = p.getRecords();
      // the robot-auto bit is low in status 0xed (750 records) and 0xf5 (1 record)
      assertThat(rows).hasSize(751).allMatch(r -> r.get("robot_mode").equals("auto"));
      assertThat(rows.get(0).get("record_index")).isNotEqualTo("0");
    }
    assertThat(err()).contains("-> stdout (13430 records, 751 rows");
  }

  @Test
  void timeWindow() throws IOException {
    Path outDir = tmp.resolve("o");
    int code =
        CaravanCommand.execute(
            "convert",
            Samples.dslog(Samples.CTRE).toString(),
            Samples.dsevents(Samples.CTRE).toString(),
            "--out",
            outDir.toString(),
            "--from",
            "93.96",
            "--to",
            "94");
    assertThat(code).isZero();
    List<CSVRecord> rows = csv(outDir.resolve(Samples.CTRE + ".csv"), DslogCsvWriter.COLUMNS);
    assertThat(rows).extracting(r -> r.get("record_index")).containsExactly("4698", "4699");
    List<CSVRecord> events =
        csv(outDir.resolve(Samples.CTRE + ".events.csv"), EventsCsvWriter.ENTRY_COLUMNS);
    assertThat(events)
        .allSatisfy(e -> assertThat(Double.parseDouble(e.get("t_rel_s"))).isBetween(93.96, 94.0));
  }

  @Test
  void splitMessagesWritesOneRowPerMessage() throws IOException {
    Path outDir = tmp.resolve("o");
    int code =
        CaravanCommand.execute(
            "convert",
            Samples.dsevents(Samples.REV).toString(),
            "--out",
            outDir.toString(),
            "--split-messages");
    assertThat(code).isZero();
    List<CSVRecord> rows =
        csv(outDir.resolve(Samples.REV + ".events.csv"), EventsCsvWriter.MESSAGE_COLUMNS);
    // one row for each entry's untagged text, one for each of its tagged messages
    int expected = 0;
    try (DsEventsReader r = DsEventsReader.open(Samples.dsevents(Samples.REV))) {
      for (DsEvent e = r.next(); e != null; e = r.next()) {
        EventText t = e.parsed();
        expected += (t.plain().isEmpty() ? 0 : 1) + t.messages().size();
      }
    }
    assertThat(expected).isGreaterThan(140);
    assertThat(rows).hasSize(expected);
    assertThat(rows).extracting(r -> r.get("event_index")).contains("0", "139");
  }
}
