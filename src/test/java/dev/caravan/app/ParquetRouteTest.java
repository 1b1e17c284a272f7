package dev.caravan.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.ledger.DeliveryRow;
import dev.caravan.ledger.DeliveryState;
import dev.caravan.ledger.FileRow;
import dev.caravan.ledger.FileState;
import dev.caravan.testing.Samples;
import dev.caravan.testing.WpilogWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records as data: every decoded CSV is also delivered as Parquet in its Hive partition, and the
 * Parquet, read back with DuckDB, holds the CSV's rows and columns, typed, value for value.
 */
class ParquetRouteTest {

  @TempDir Path tmp;

  @Test
  void everySampleIsDeliveredAsParquetEqualToItsCsv() throws Exception {
    List<Path> logs = new ArrayList<>();
    try (var s = Files.walk(Samples.DIR)) {
      s.filter(p -> p.toString().endsWith(".dslog") || p.toString().endsWith(".dsevents"))
          .sorted()
          .forEach(logs::add);
    }
    byte[] wpilog =
        new WpilogWriter("")
            .start(1, "/SystemStats/BatteryVoltage", "double", "", 1_000)
            .start(2, "DS:enabled", "boolean", "", 1_000)
            .start(3, "/names", "string[]", "", 1_000)
            .float64(1, 20_000, 12.5)
            .bool(2, 20_000, true)
            .strings(3, 40_000, "a,b", "c\"d")
            .float64(1, 60_000, 11.25)
            .bytes();
    try (AppHarness app =
        new AppHarness(tmp, null)
            .set("caravan.parquet.enabled", "true")
            .set("caravan.parquet.team", "1234")
            .set("caravan.insight.enabled", "true")
            .set("caravan.insight.report-interval", "3600000")
            .start()) {
      for (Path log : logs) {
        Files.copy(log, app.inbox.resolve(log.getFileName()));
      }
      Files.write(app.inbox.resolve("robot.wpilog"), wpilog);
      app.awaitFiles(logs.size() + 1);
      assertThat(app.files()).extracting(FileRow::state).containsOnly(FileState.DONE);
      AppHarness.await(
          java.time.Duration.ofSeconds(60),
          "every delivery verified",
          () -> app.deliveries().stream().allMatch(d -> d.state() == DeliveryState.VERIFIED));

      Map<String, String> parquetAt = new LinkedHashMap<>();
      for (DeliveryRow d : app.deliveries()) {
        if (d.artifact().endsWith("parquet") && !d.artifact().equals("summary.parquet")) {
          parquetAt.put(d.remotePath(), d.artifact());
        }
      }
      // one Parquet per decoded CSV: each .dslog, each .dsevents, the .wpilog
      assertThat(parquetAt).hasSize(logs.size() + 1);
      int rows = 0;
      for (Path log : logs) {
        String name = log.getFileName().toString();
        boolean events = name.endsWith(".dsevents");
        String base = name.substring(0, name.lastIndexOf('.'));
        Instant start = header(log);
        ZonedDateTime d = start.atZone(ZoneOffset.UTC);
        String day =
            String.format("%04d/%02d/%02d", d.getYear(), d.getMonthValue(), d.getDayOfMonth());
        String partition =
            String.format(
                "kind=%s/team=1234/year=%04d/month=%02d/day=%02d",
                events ? "dsevents" : "dslog", d.getYear(), d.getMonthValue(), d.getDayOfMonth());
        Path csv = app.archive.resolve(day + "/" + base + (events ? ".v1.events.csv" : ".v1.csv"));
        Path parquet =
            app.archive.resolve(
                partition + "/" + base + (events ? ".v1.events.parquet" : ".v1.parquet"));
        assertThat(parquetAt).containsKey(app.archive.relativize(parquet).toString());
        rows += assertSameTable(csv, parquet, events ? EVENT_TYPES : DSLOG_TYPES);
        if (!events) {
          assertSummaryAsParquet(
              app.archive.resolve(day + "/" + base + ".v1.summary.json"),
              app.archive.resolve(
                  partition.replace("kind=dslog", "kind=summary")
                      + "/"
                      + base
                      + ".v1.summary.parquet"));
        }
      }
      String today = partitionDay(Instant.now());
      Path wpiParquet =
          app.archive.resolve("kind=wpilog/team=1234/" + today + "/robot.v1.wpilog.parquet");
      Path wpiCsv =
          app.archive.resolve(
              app.deliveries().stream()
                  .filter(
                      d -> d.artifact().equals("wpilog.csv") && d.destination().equals("archive"))
                  .findFirst()
                  .orElseThrow()
                  .remotePath());
      assertThat(assertSameTable(wpiCsv, wpiParquet, Map.of("timestamp_us", "BIGINT")))
          .isEqualTo(4);
      assertThat(rows).as("rows compared").isGreaterThan(90_000);
    }
  }

  /** A log's summary as one Parquet row: its fields, nested ones too, equal to the JSON's. */
  private static void assertSummaryAsParquet(Path json, Path parquet) throws Exception {
    assertThat(parquet).exists();
    var expected = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.toFile());
    List<String> rows =
        dev.caravan.testing.DuckDbQuery.rows(
            "SELECT to_json(p) FROM read_parquet('" + parquet + "', hive_partitioning = false) p");
    assertThat(rows).as("one row per summary").hasSize(1);
    var actual = new com.fasterxml.jackson.databind.ObjectMapper().readTree(rows.get(0));
    for (String field : List.of("file", "records", "enabled_s", "v_min", "energy_wh", "i_peak")) {
      assertThat(actual.get(field))
          .as("%s %s", parquet.getFileName(), field)
          .isEqualTo(expected.get(field));
    }
    assertThat(actual.get("channel_energy_wh")).isEqualTo(expected.get("channel_energy_wh"));
  }

  /** The DuckDB types the Parquet must have, by column; other columns are text or doubles. */
  private static final Map<String, String> DSLOG_TYPES =
      Map.of(
          "record_index", "BIGINT",
          "time_utc", "TIMESTAMP_NS",
          "battery_v", "DOUBLE",
          "brownout", "BOOLEAN",
          "robot_disabled", "BOOLEAN",
          "pd_can_id", "INTEGER",
          "pd_ch0", "DOUBLE",
          "status_raw", "VARCHAR",
          "file", "VARCHAR");

  private static final Map<String, String> EVENT_TYPES =
      Map.of(
          "event_index", "BIGINT",
          "time_utc", "TIMESTAMP_NS",
          "text", "VARCHAR",
          "fms_match_number", "INTEGER",
          "fms_field_time", "TIMESTAMP");

  /**
   * The Parquet has the CSV's columns, in order, with {@code types}, and its rows in order, each
   * value equal to the CSV's as read by its type (an empty field is a null). Returns the rows.
   */
  private static int assertSameTable(Path csv, Path parquet, Map<String, String> types)
      throws Exception {
    assertThat(parquet).exists();
    try (Reader in = Files.newBufferedReader(csv, StandardCharsets.UTF_8);
        CSVParser p = CSVFormat.DEFAULT.builder().setHeader().get().parse(in);
        Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement()) {
      List<String> columns = p.getHeaderNames();
      Map<String, String> actualTypes = new LinkedHashMap<>();
      try (ResultSet r =
          s.executeQuery(
              "DESCRIBE SELECT * FROM read_parquet('"
                  + parquet
                  + "', hive_partitioning = false)")) {
        while (r.next()) {
          actualTypes.put(r.getString(1), r.getString(2));
        }
      }
      assertThat(actualTypes.keySet()).as(parquet.toString()).containsExactlyElementsOf(columns);
      types.forEach((col, type) -> assertThat(actualTypes.get(col)).as(col).isEqualTo(type));
      // timestamps compared as nanoseconds since the epoch (the CSV's text is UTC with a Z)
      StringBuilder select = new StringBuilder();
      for (String col : columns) {
        String q = "\"" + col.replace("\"", "\"\"") + "\"";
        String t = actualTypes.get(col);
        select.append(select.length() == 0 ? "" : ", ");
        select.append(t.startsWith("TIMESTAMP") ? "epoch_ns(" + q + ")" : q);
      }
      int n = 0;
      try (ResultSet r =
          s.executeQuery(
              "SELECT "
                  + select
                  + " FROM read_parquet('"
                  + parquet
                  + "', hive_partitioning = false)")) {
        ResultSetMetaData md = r.getMetaData();
        for (CSVRecord row : p) {
          assertThat(r.next()).as("%s has row %d", parquet, n).isTrue();
          for (int i = 0; i < columns.size(); i++) {
            String text = row.get(i);
            Object value = r.getObject(i + 1);
            String where = parquet.getFileName() + " row " + n + " " + columns.get(i);
            if (text.isEmpty()) {
              assertThat(value).as(where).isNull();
              continue;
            }
            switch (actualTypes.get(columns.get(i))) {
              case "TIMESTAMP_NS" ->
                  assertThat(r.getLong(i + 1)).as(where).isEqualTo(nanos(Instant.parse(text)));
              case "TIMESTAMP" ->
                  assertThat(r.getLong(i + 1))
                      .as(where)
                      .isEqualTo(
                          nanos(java.time.LocalDateTime.parse(text).toInstant(ZoneOffset.UTC)));
              case "DOUBLE" ->
                  assertThat(r.getDouble(i + 1)).as(where).isEqualTo(Double.parseDouble(text));
              case "BOOLEAN" ->
                  assertThat(r.getBoolean(i + 1)).as(where).isEqualTo(Boolean.parseBoolean(text));
              case "BIGINT", "INTEGER" ->
                  assertThat(r.getLong(i + 1)).as(where).isEqualTo(Long.parseLong(text));
              default -> assertThat(r.getString(i + 1)).as(where).isEqualTo(text);
            }
          }
          n++;
        }
        assertThat(r.next()).as("%s has no more rows than the CSV", parquet).isFalse();
        assertThat(md.getColumnCount()).isEqualTo(columns.size());
      }
      return n;
    }
  }

  private static long nanos(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }

  private static String partitionDay(Instant t) {
    ZonedDateTime d = t.atZone(ZoneOffset.UTC);
    return String.format(
        "year=%04d/month=%02d/day=%02d", d.getYear(), d.getMonthValue(), d.getDayOfMonth());
  }

  /** A .dslog's or .dsevents' header time (both begin with the same header). */
  private static Instant header(Path log) throws Exception {
    try (var in = Files.newInputStream(log)) {
      byte[] h = in.readNBytes(20);
      var b = java.nio.ByteBuffer.wrap(h);
      b.getInt(); // version
      long seconds = b.getLong();
      long fraction = b.getLong();
      // LabVIEW time: seconds since 1904-01-01 UTC and a 2^-64 fraction
      long unix = seconds - 2_082_844_800L;
      long nanos =
          java.math.BigInteger.valueOf(fraction)
              .and(java.math.BigInteger.ONE.shiftLeft(64).subtract(java.math.BigInteger.ONE))
              .multiply(java.math.BigInteger.valueOf(1_000_000_000L))
              .shiftRight(64)
              .longValue();
      return Instant.ofEpochSecond(unix, nanos);
    }
  }
}
