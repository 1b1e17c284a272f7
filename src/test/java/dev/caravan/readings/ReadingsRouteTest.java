package dev.caravan.readings;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.app.AppHarness;
import dev.caravan.ledger.DeliveryState;
import dev.caravan.ledger.FileState;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Readings posted over HTTP come out as Parquet, one file per station and window (a later part for
 * late readings), delivered to the archive; bad readings are named in a 400 while the good ones of
 * the same batch are kept.
 */
class ReadingsRouteTest {

  static final String TOKEN = "readings-test-token";
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path tmp;
  final HttpClient http = HttpClient.newHttpClient();
  int port;

  AppHarness app() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    return new AppHarness(tmp, null)
        .set("camel.server.enabled", "true")
        .set("camel.management.enabled", "true")
        .set("camel.management.port", Integer.toString(port))
        .set("caravan.console.token", TOKEN)
        .set("caravan.readings.enabled", "true")
        .set("caravan.readings.interval", "200")
        .set("caravan.readings.grace", "PT1S")
        .set("caravan.metrics.refresh", "200");
  }

  HttpResponse<String> post(String body, String token) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/readings"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static String reading(String station, String time, String values) {
    return "{"
        + (station == null ? "" : "\"station\":\"" + station + "\",")
        + "\"time\":\""
        + time
        + "\",\"values\":"
        + values
        + "}";
  }

  /** The rows of a Parquet file, as text, ordered as written. */
  static List<String> rows(Path parquet, String select) throws Exception {
    return rows(parquet, select, "");
  }

  /** The same, with {@code tail} after the FROM (an ORDER BY). */
  static List<String> rows(Path parquet, String select, String tail) throws Exception {
    return dev.caravan.testing.DuckDbQuery.rows(
        "SELECT "
            + select
            + " FROM read_parquet('"
            + parquet
            + "', hive_partitioning = false, union_by_name = true) "
            + tail);
  }

  @Test
  void windowsOfReadingsArriveAsParquetAndLateOnesAsALaterPart() throws Exception {
    try (AppHarness app = app().start()) {
      // no token: refused, nothing kept
      assertThat(post("[]", null).statusCode()).isEqualTo(401);
      String batch =
          "["
              + reading("north", "2026-12-01T10:00:00Z", "{\"temp_c\": 21.5, \"rh_pct\": 40}")
              + ","
              + reading("north", "2026-12-01T10:14:59.999999Z", "{\"temp_c\": 21.75}")
              + ","
              + reading("north", "2026-12-01T11:15:00+01:00", "{\"temp_c\": 22}")
              + ","
              + reading("north", "yesterday", "{\"temp_c\": 1}")
              + ","
              + reading("north", "2026-12-01T10:05:00Z", "{\"temp_c\": \"warm\"}")
              + ","
              + reading(null, "2026-12-01T10:01:00Z", "{\"wind_ms\": 3.5}")
              + ","
              + "{\"station\": \"north\", \"values\": {\"a\": 1}}"
              + "]";
      HttpResponse<String> r = post(batch, TOKEN);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
      JsonNode answer = JSON.readTree(r.body());
      assertThat(answer.get("accepted").asInt()).isEqualTo(4);
      assertThat(answer.get("rejected").asInt()).isEqualTo(3);
      assertThat(answer.get("problems").toString())
          .contains("reading 3: time \\\"yesterday\\\" is not an ISO-8601 time with a zone")
          .contains("reading 4: value 'temp_c' is \\\"warm\\\", not a number")
          .contains("reading 6: no time");
      assertThat(post("not json", TOKEN).statusCode()).isEqualTo(400);

      String station = Files.readString(app.data.resolve("station-id")).strip();
      // a UUID v7 (time-ordered): version 7, variant 10
      assertThat(java.util.UUID.fromString(station).version()).isEqualTo(7);
      assertThat(java.util.UUID.fromString(station).variant()).isEqualTo(2);

      Path first = app.archive.resolve("station=north/year=2026/month=12/day=01/data_1000.parquet");
      Path second =
          app.archive.resolve("station=north/year=2026/month=12/day=01/data_1015.parquet");
      Path own =
          app.archive.resolve(
              "station=" + station + "/year=2026/month=12/day=01/data_1000.parquet");
      AppHarness.await(
          Duration.ofSeconds(30),
          "three window files in the archive",
          () -> Files.exists(first) && Files.exists(second) && Files.exists(own));
      assertThat(rows(first, "station, epoch_us(time), temp_c, rh_pct"))
          .containsExactly(
              "north|" + micros("2026-12-01T10:00:00Z") + "|21.5|40.0",
              "north|" + micros("2026-12-01T10:14:59.999999Z") + "|21.75|null");
      assertThat(rows(second, "station, epoch_us(time), temp_c"))
          .containsExactly("north|" + micros("2026-12-01T10:15:00Z") + "|22.0");
      assertThat(rows(own, "station, wind_ms")).containsExactly(station + "|3.5");

      // a late reading for a window already written: a second part, the first untouched
      byte[] before = Files.readAllBytes(first);
      assertThat(
              post("[" + reading("north", "2026-12-01T10:07:00Z", "{\"temp_c\": 19}") + "]", TOKEN)
                  .statusCode())
          .isEqualTo(200);
      Path late =
          app.archive.resolve("station=north/year=2026/month=12/day=01/data_1000_2.parquet");
      AppHarness.await(Duration.ofSeconds(30), "the late part", () -> Files.exists(late));
      assertThat(rows(late, "epoch_us(time), temp_c"))
          .containsExactly(micros("2026-12-01T10:07:00Z") + "|19.0");
      assertThat(Files.readAllBytes(first)).isEqualTo(before);
      AppHarness.await(
          Duration.ofSeconds(30),
          "the four window files verified",
          () ->
              app.deliveries().stream()
                      .filter(
                          d ->
                              d.state() == DeliveryState.VERIFIED
                                  && d.remotePath().startsWith("station="))
                      .count()
                  == 4);
      assertThat(app.files())
          .filteredOn(f -> f.source().equals("readings"))
          .hasSize(4)
          .allMatch(f -> f.state() == FileState.DONE);
      // the operator's figures: readings kept and refused since the start, windows written
      AppHarness.await(
          Duration.ofSeconds(30),
          "the readings' metrics",
          () -> {
            try {
              String metrics =
                  http.send(
                          HttpRequest.newBuilder(
                                  URI.create("http://127.0.0.1:" + port + "/observe/metrics"))
                              .build(),
                          HttpResponse.BodyHandlers.ofString())
                      .body();
              return metrics.contains("caravan_readings_accepted 5.0")
                  && metrics.contains("caravan_readings_rejected 4.0")
                  && metrics.contains("caravan_readings_windows 4.0");
            } catch (Exception e) {
              return false;
            }
          });
    }
  }

  @Test
  void readingsFilesDroppedInAFolderArriveInTheirWindows() throws Exception {
    try (AppHarness app =
        app()
            .set("caravan.readings.files-enabled", "true")
            .set("caravan.readings.inbox", tmp.resolve("readings-in").toString())
            .start()) {
      Path in = Files.createDirectories(tmp.resolve("readings-in"));
      Files.writeString(
          in.resolve("a.jsonl"),
          reading("east", "2026-12-03T06:00:00Z", "{\"t\": 1}")
              + "\n"
              + "{broken\n"
              + reading("east", "2026-12-03T06:00:02Z", "{\"t\": 2}")
              + "\n");
      Files.writeString(
          in.resolve("b.csv"),
          "station,time,t,h\neast,2026-12-03T06:00:01Z,1.5,\neast,2026-12-03T06:00:03Z,,7\n");
      Files.writeString(in.resolve("c.json"), "[{\"time\": \"soon\", \"values\": {\"t\": 1}}]");
      AppHarness.await(
          Duration.ofSeconds(30),
          "the files taken",
          () ->
              Files.exists(in.resolve(".done/a.jsonl"))
                  && Files.exists(in.resolve(".done/b.csv"))
                  && Files.exists(in.resolve(".failed/c.json")));
      // the files may be read before or after the window was first written: in one part or more
      Path day = app.archive.resolve("station=east/year=2026/month=12/day=03");
      AppHarness.await(
          Duration.ofSeconds(30),
          "the four readings in the window's parts",
          () -> {
            try {
              return rows(day.resolve("data_0600*.parquet"), "count(*)").equals(List.of("4"));
            } catch (Exception e) {
              return false;
            }
          });
      assertThat(rows(day.resolve("data_0600*.parquet"), "epoch_us(time), t, h", "ORDER BY time"))
          .containsExactly(
              micros("2026-12-03T06:00:00Z") + "|1.0|null",
              micros("2026-12-03T06:00:01Z") + "|1.5|null",
              micros("2026-12-03T06:00:02Z") + "|2.0|null",
              micros("2026-12-03T06:00:03Z") + "|null|7.0");
    }
  }

  static long micros(String iso) {
    Instant t = java.time.OffsetDateTime.parse(iso).toInstant();
    return t.getEpochSecond() * 1_000_000L + t.getNano() / 1000;
  }
}
