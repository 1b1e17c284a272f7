package dev.caravan.app;

import static dev.caravan.app.AppHarness.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.files.Sha256;
import dev.caravan.insight.InsightSteps;
import dev.caravan.insight.LogSummary;
import dev.caravan.insight.SeasonTable;
import dev.caravan.ledger.DeliveryRow;
import dev.caravan.ledger.DeliveryState;
import dev.caravan.ledger.FileState;
import dev.caravan.testing.Cli;
import dev.caravan.testing.Samples;
import dev.caravan.testing.SyntheticLogs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The insight route in the running application: logs dropped in the inbox give summaries in the
 * archive and rows in the season table, the day's report is delivered, and a battery whose logs
 * show 25 mΩ is flagged (log, metrics, {@code caravan insight batteries}).
 */
class InsightRouteTest {

  @TempDir Path tmp;

  /** Two qualification matches on BAT-2026-009, loaded as V = 12.5 − 0.025·I (25 mΩ). */
  static void weakBatteryMatch(Path inbox, String name, Instant start, int match) throws Exception {
    SyntheticLogs w = new SyntheticLogs(start);
    for (int i = 0; i < 400; i++) {
      int step = i % 9;
      int[] c = new int[24];
      int sixteenths = step * 250; // 15.625 A a step
      for (int ch = 0; sixteenths > 0; ch++) {
        int here = Math.min(sixteenths, 100 * 16);
        c[ch] = here;
        sixteenths -= here;
      }
      w.record(10, 3200 - 100 * step, SyntheticLogs.TELEOP, c);
    }
    Files.write(
        inbox.resolve(name + ".dsevents"),
        SyntheticLogs.events(
            start,
            "FMS Connected:   Qualification - " + match + ":1, Field Time: 26/3/14 14:0:0",
            "FMS Event Name: TEST",
            "<TagVersion>1 <time> 00.100 <message> battery BAT-2026-009 in"));
    Files.write(inbox.resolve(name + ".dslog"), w.bytes());
  }

  @Test
  void summariesAreDeliveredRecordedReportedAndAWeakBatteryIsFlagged() throws Exception {
    ObjectMapper json = new ObjectMapper();
    try (AppHarness app =
        new AppHarness(tmp, null)
            .set("caravan.insight.enabled", "true")
            .set("caravan.insight.report-quiet", "300")
            .set("caravan.insight.report-interval", "300")
            .set("caravan.insight.zone", "UTC")
            .start()) {
      String real = "2026_03_07 13_14_50 Sat";
      Files.copy(
          Samples.MATCHES.resolve(real + ".dsevents"), app.inbox.resolve(real + ".dsevents"));
      Files.copy(Samples.MATCHES.resolve(real + ".dslog"), app.inbox.resolve(real + ".dslog"));
      weakBatteryMatch(app.inbox, "q1", Instant.parse("2026-03-14T14:00:00Z"), 1);
      weakBatteryMatch(app.inbox, "q2", Instant.parse("2026-03-14T15:00:00Z"), 2);
      // the six logs done (the day reports are files of the ledger too, source "insight")
      await(
          Duration.ofSeconds(60),
          "the logs done and delivered",
          () ->
              app.files().stream()
                          .filter(f -> f.source().equals("local") && f.state() == FileState.DONE)
                          .count()
                      == 6
                  && app.deliveries().stream()
                          .filter(d -> d.artifact().equals("summary.json"))
                          .filter(d -> d.state() == DeliveryState.VERIFIED)
                          .count()
                      == 3);

      // the real log's summary, delivered and verified like the CSV, with its match
      Path day = app.archive.resolve("2026/03/07");
      JsonNode s = json.readTree(day.resolve(real + ".v1.summary.json").toFile());
      assertThat(s.fieldNames()).toIterable().containsExactlyElementsOf(LogSummary.KEYS);
      assertThat(s.get("records").asLong()).isEqualTo(23844);
      assertThat(s.get("match_type").asText()).isEqualTo("Qualification");
      assertThat(s.get("match_number").asInt()).isEqualTo(7);
      assertThat(s.get("event_name").asText()).isEqualTo("NCWAK");
      assertThat(s.get("energy_wh").asDouble()).isCloseTo(18.0185, within(5e-5));
      List<DeliveryRow> summaries =
          app.deliveries().stream().filter(d -> d.artifact().equals("summary.json")).toList();
      assertThat(summaries).hasSize(3).allMatch(d -> d.state() == DeliveryState.VERIFIED);
      for (DeliveryRow d : summaries) {
        assertThat(Sha256.of(app.archive.resolve(d.remotePath()))).isEqualTo(d.sha256());
      }

      // the season table: a row per log, the weak battery's matches at 25 mΩ
      InsightSteps insight =
          app.context().getRegistry().lookupByNameAndType("insight", InsightSteps.class);
      List<SeasonTable.Row> rows = insight.season().rows(null);
      assertThat(rows)
          .extracting(SeasonTable.Row::name)
          .containsExactlyInAnyOrder(real + ".dslog", "q1.dslog", "q2.dslog");
      JsonNode q1 = json.readTree(app.archive.resolve("2026/03/14/q1.v1.summary.json").toFile());
      assertThat(q1.get("battery").asText()).isEqualTo("BAT-2026-009");
      assertThat(q1.get("resistance_mohm").asDouble()).isCloseTo(25.0, within(1e-9));
      assertThat(insight.flaggedFigures()).containsEntry("BAT-2026-009", 1.0);

      // each day's report, delivered once the day is quiet
      await(Duration.ofSeconds(30), "the reports in the archive", () -> reports(app).size() >= 2);
      assertThat(reports(app))
          .contains("2026/03/07/2026-03-07_report.html", "2026/03/14/2026-03-14_report.html");
      String report = Files.readString(app.archive.resolve("2026/03/14/2026-03-14_report.html"));
      // and each match of a reported day in the ledger's history, for the console's stream
      try (var c = app.ledger().dataSource().getConnection();
          var st = c.createStatement();
          var rs =
              st.executeQuery("SELECT detail FROM file_events WHERE event = 'match-finished'")) {
        List<String> finished = new java.util.ArrayList<>();
        while (rs.next()) {
          finished.add(rs.getString(1));
        }
        assertThat(finished)
            .anyMatch(
                d ->
                    d.startsWith("TEST Qualification 1: 1 log(s)")
                        && d.contains("battery BAT-2026-009"));
      }
      assertThat(report).contains("TEST Qualification 1").contains("BAT-2026-009");

      // the admin command reads the same table, and says the battery is flagged (exit 1)
      Path config = tmp.resolve("insight.properties");
      Files.writeString(config, "caravan.data = " + app.data + "\ncaravan.insight.zone = UTC\n");
      String out = Cli.run(1, "insight", "batteries", "--json", "--config", config.toString());
      JsonNode batteries = json.readTree(out);
      assertThat(batteries).hasSize(1);
      JsonNode b = batteries.get(0);
      assertThat(b.get("battery").asText()).isEqualTo("BAT-2026-009");
      assertThat(b.get("matches").asInt()).isEqualTo(2);
      assertThat(b.get("flagged").asBoolean()).isTrue();
      assertThat(b.get("resistance_mohm_last5").asDouble()).isCloseTo(25.0, within(1e-9));
      assertThat(b.get("flags").get(0).asText()).contains("25.0 mΩ").contains("above 20 mΩ");
      JsonNode matches =
          json.readTree(
              Cli.run(
                  0,
                  "insight",
                  "matches",
                  "--json",
                  "--event",
                  "TEST",
                  "--config",
                  config.toString()));
      assertThat(matches).hasSize(2);
      assertThat(matches.get(0).get("logs").get(0).asText()).isEqualTo("q1.dslog");
      assertThat(matches.get(0).get("match_number").asInt()).isEqualTo(1);
    }
  }

  @Test
  void anEventsFileThatComesAfterItsLogGivesTheLogItsMatch() throws Exception {
    try (AppHarness app =
        new AppHarness(tmp, null).set("caravan.insight.enabled", "true").start()) {
      String log = "2026_03_29 09_34_29 Sun";
      // the log arrives in a sub-folder alone, and is summarized without a match
      Path robot = Files.createDirectories(app.inbox.resolve("robot"));
      Files.copy(Samples.MATCHES.resolve(log + ".dslog"), robot.resolve(log + ".dslog"));
      InsightSteps insight =
          app.context().getRegistry().lookupByNameAndType("insight", InsightSteps.class);
      await(
          Duration.ofSeconds(30),
          "the log summarized",
          () -> insight.season().rows(null).size() == 1);
      assertThat(insight.season().rows(null).get(0).info().matchType()).isNull();
      // its events file later, from another folder of the same source (as from a Drive folder
      // where the source's own ids say nothing of the names): the same name and header time
      Path later = Files.createDirectories(app.inbox.resolve("later"));
      Files.copy(Samples.MATCHES.resolve(log + ".dsevents"), later.resolve(log + ".dsevents"));
      await(
          Duration.ofSeconds(30),
          "the match taken from the late events file",
          () -> "Qualification".equals(insight.season().rows(null).get(0).info().matchType()));
      SeasonTable.Row row = insight.season().rows(null).get(0);
      assertThat(row.info().matchNumber()).isEqualTo(52);
      assertThat(row.info().eventName()).isEqualTo("NCPEM");
      assertThat(app.ledger().events(row.fileId()))
          .anyMatch(e -> e.event().equals("summarized") && e.detail().contains("later"));
    }
  }

  /** The reports in the archive; one still being written (a hidden temporary name) is not one. */
  static List<String> reports(AppHarness app) {
    try (Stream<Path> s = Files.walk(app.archive)) {
      return s.filter(p -> p.toString().endsWith("_report.html"))
          .filter(p -> !p.getFileName().toString().startsWith("."))
          .map(p -> app.archive.relativize(p).toString())
          .toList();
    } catch (java.io.IOException | java.io.UncheckedIOException e) {
      return List.of(); // a temporary file renamed as we walk: look again
    }
  }
}
