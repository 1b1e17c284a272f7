package dev.caravan.insight;

import dev.caravan.ledger.DeliveryQueue;
import dev.caravan.ledger.Ledger;
import dev.caravan.ledger.MadeFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each event day's report, made by the {@code insight-reports} route: once a day's summaries
 * changed and no log of it has come for {@code caravan.insight.report-quiet}, its report is made
 * from the season table (plots from the landed logs still kept) and delivered to every destination
 * like any file ({@code YYYY/MM/DD/DAY_report.html}; a later version of the day's report beside it
 * as {@code DAY_report (2).html}, never over it).
 */
public final class Reports {

  /** The ledger source of the reports. */
  public static final String SOURCE = "insight";

  private static final Logger LOG = LoggerFactory.getLogger("caravan.insight");

  private final Ledger ledger;
  private final DeliveryQueue queue;
  private final InsightSteps insight;
  private final Path landingDir;
  private final Supplier<List<String>> destinations;
  private final Duration quiet;

  public Reports(
      Ledger ledger,
      DeliveryQueue queue,
      InsightSteps insight,
      Path landingDir,
      Supplier<List<String>> destinations,
      Duration quiet) {
    this.ledger = ledger;
    this.queue = queue;
    this.insight = insight;
    this.landingDir = landingDir;
    this.destinations = destinations;
    this.quiet = quiet;
  }

  /** Makes the reports that are due; returns how many. */
  public synchronized int run() throws IOException {
    Instant now = Instant.now();
    int made = 0;
    for (LocalDate day : insight.season().daysDue(now.minus(quiet))) {
      make(day, now);
      made++;
    }
    return made;
  }

  private void make(LocalDate day, Instant asOf) throws IOException {
    SeasonTable season = insight.season();
    List<SeasonTable.Row> rows = season.rows(day);
    List<Season.Match> matches = Season.matches(rows);
    Map<Long, PowerSeries.Points> series = new HashMap<>();
    for (SeasonTable.Row r : rows) {
      for (String copy : season.landedCopies(r.source(), r.sourcePath())) {
        Path log = Path.of(copy);
        if (Files.isRegularFile(log)) {
          series.put(r.fileId(), LogReading.of(log).points());
          break;
        }
      }
    }
    String event =
        matches.stream()
            .map(Season.Match::eventName)
            .filter(e -> e != null)
            .findFirst()
            .orElse(null);
    String title = "Caravan insight: " + (event == null ? "" : event + ", ") + day;
    List<Season.Battery> batteries =
        Season.batteries(
            Season.matches(season.rows(null)), insight.settings().resistanceWarnMohm());
    byte[] html = Report.html(title, matches, series, batteries, asOf);
    String name = day + "_report.html";
    // in the folder of the day (noon in the zone: the same UTC day for any zone within ±12 h)
    Instant placed = day.atTime(12, 0).atZone(insight.settings().zone()).toInstant();
    long id =
        MadeFiles.deliver(
            ledger,
            queue,
            landingDir,
            SOURCE,
            "report/" + day,
            name,
            html,
            placed,
            destinations.get());
    season.reported(day, id, asOf);
    // each match of the day, as it stands now, in the ledger's history (the console's stream)
    for (Season.Match m : matches) {
      ledger.event(
          id,
          "match-finished",
          String.format(
              java.util.Locale.ROOT,
              "%s: %d log(s), V min %s, %d brownout(s), %.2f Wh%s",
              m.label(),
              m.logs().size(),
              m.tally().vMin() == null
                  ? "-"
                  : String.format(java.util.Locale.ROOT, "%.2f", m.tally().vMin()),
              m.tally().brownoutEvents(),
              m.tally().energyWh(),
              m.battery() == null ? "" : ", battery " + m.battery()));
    }
    LOG.info(
        "report of {} made: {} match(es), {} log(s); {} queued",
        day,
        matches.size(),
        rows.size(),
        name);
  }
}
