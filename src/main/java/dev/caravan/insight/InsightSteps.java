package dev.caravan.insight;

import dev.caravan.files.DerivedFile;
import dev.caravan.files.FileHeaders;
import dev.caravan.ledger.Ledger;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Java side of {@code routes/insight.camel.yaml}: a decoded log's summary (written as {@code
 * NAME.v1.summary.json} and recorded in the season table), late events files, and the batteries'
 * flags. The tally itself is made by the decode route's own pass over the records ({@link
 * FileHeaders#TALLY}).
 */
public final class InsightSteps {

  private static final Logger LOG = LoggerFactory.getLogger("caravan.insight");

  private final Ledger ledger;
  private final SeasonTable season;
  private final InsightSettings settings;
  private volatile Map<String, Season.Battery> batteries = Map.of();

  public InsightSteps(Ledger ledger, InsightSettings settings) {
    this.ledger = ledger;
    this.season = new SeasonTable(ledger);
    this.settings = settings;
  }

  public SeasonTable season() {
    return season;
  }

  public InsightSettings settings() {
    return settings;
  }

  /**
   * A log's summary from its tally and its own {@code .dsevents} (null when it has none); the
   * battery from the events text, else the team's battery map.
   */
  public static LogSummary summarize(
      String name, PowerTally tally, Instant start, Path events, InsightSettings settings)
      throws IOException {
    MatchInfo info = MatchInfo.read(events, settings.batteryPattern());
    return new LogSummary(
        name, start, tally.seal(), info.withBattery(settings.mappedBattery(start)));
  }

  /**
   * After a log is decoded: writes {@code NAME.v1.summary.json} beside the landed log, records it
   * in the season table, and makes it the body to be delivered like any derived file.
   */
  public void summarize(Exchange exchange) throws IOException {
    Message m = exchange.getMessage();
    PowerTally tally = exchange.getProperty(FileHeaders.TALLY, PowerTally.class);
    String name = m.getHeader(FileHeaders.NAME, String.class);
    String source = m.getHeader(FileHeaders.SOURCE, String.class);
    String sourcePath = m.getHeader(FileHeaders.SOURCE_PATH, String.class);
    Instant start = m.getHeader(FileHeaders.LOG_START, Instant.class);
    Path landed = Path.of(m.getHeader(FileHeaders.LANDING_PATH, String.class));
    Path events = landedEvents(source, name, start);
    if (events == null && "local".equals(source)) {
      // taken in the same poll but not yet landed: the inbox's copy names the match just as well
      // (a copy that turns up later still updates the season table, see eventsArrived)
      events = sourceSibling(m.getHeader(Exchange.FILE_PARENT, String.class), name, ".dsevents");
    }
    LogSummary summary = summarize(name, tally, start, events, settings);
    long id = m.getHeader(FileHeaders.FILE_ID, Long.class);
    DerivedFile file =
        new DerivedFile(landed.resolveSibling(DerivedFile.name(name, "summary.json")));
    Path done;
    try (file) {
      file.append(summary.toJson());
      done = file.complete();
    }
    season.record(
        new SeasonTable.Row(
            id, name, source, sourcePath, start, day(start), summary.info(), summary.tally()));
    ledger.event(id, "summarized", describe(summary));
    m.setHeader(FileHeaders.ARTIFACT, "summary.json");
    m.setHeader(FileHeaders.ARTIFACT_SHA256, file.sha256());
    m.setBody(done.toFile());
    if (summary.info().battery() != null) {
      // the season's batteries are read again only when a log names one
      refreshBatteries();
    }
  }

  /**
   * After an events file is decoded: if its log was summarized before it arrived, the log's row
   * takes the match and battery it names (the summary already delivered stays as it was).
   */
  public void eventsArrived(Exchange exchange) throws IOException {
    Message m = exchange.getMessage();
    String source = m.getHeader(FileHeaders.SOURCE, String.class);
    String sourcePath = m.getHeader(FileHeaders.SOURCE_PATH, String.class);
    String logName = sibling(m.getHeader(FileHeaders.NAME, String.class), ".dslog");
    Instant start = m.getHeader(FileHeaders.LOG_START, Instant.class);
    if (logName == null || start == null) {
      return;
    }
    for (SeasonTable.Row row : season.rows(day(start))) {
      // the log of the same name and header time (the DS writes both with one timestamp)
      if (row.source().equals(source)
          && row.name().equals(logName)
          && row.start() != null
          && Math.abs(java.time.Duration.between(start, row.start()).toNanos()) < 1_000_000) {
        MatchInfo info =
            MatchInfo.read(
                    Path.of(m.getHeader(FileHeaders.LANDING_PATH, String.class)),
                    settings.batteryPattern())
                .withBattery(settings.mappedBattery(row.start()));
        if (!info.equals(row.info())) {
          season.record(
              new SeasonTable.Row(
                  row.fileId(),
                  row.name(),
                  row.source(),
                  row.sourcePath(),
                  row.start(),
                  row.day(),
                  info,
                  row.tally()));
          ledger.event(row.fileId(), "summarized", "match from the later " + sourcePath);
          LOG.info(
              "{}: match and battery taken from {}, which came after it",
              row.sourcePath(),
              sourcePath);
          refreshBatteries();
        }
      }
    }
  }

  /** The day of a log in the insight zone (a log without a start: today). */
  public LocalDate day(Instant start) {
    return (start == null ? Instant.now() : start).atZone(settings.zone()).toLocalDate();
  }

  /** Works out the batteries again; says so once when one becomes flagged. */
  public synchronized void refreshBatteries() {
    List<Season.Battery> now =
        Season.batteries(Season.matches(season.rows(null)), settings.resistanceWarnMohm());
    Map<String, Season.Battery> next = new TreeMap<>();
    for (Season.Battery b : now) {
      Season.Battery before = batteries.get(b.id());
      if (b.flagged() && (before == null || !before.flagged())) {
        LOG.warn("battery {} flagged: {}", b.id(), String.join("; ", b.flags()));
      }
      next.put(b.id(), b);
    }
    batteries = next;
  }

  /** The batteries as last worked out, by id. */
  public Map<String, Season.Battery> batteries() {
    return batteries;
  }

  /** {@code caravan_battery_flagged{battery}}: 1 when flagged, else 0. */
  public Map<String, Double> flaggedFigures() {
    Map<String, Double> f = new TreeMap<>();
    batteries.forEach((id, b) -> f.put(id, b.flagged() ? 1.0 : 0.0));
    return f;
  }

  /** The landed {@code .dsevents} of a log: same source, same name, same header time; or null. */
  private Path landedEvents(String source, String logName, Instant start) {
    String name = sibling(logName, ".dsevents");
    if (name == null || start == null) {
      return null;
    }
    return season.landedCopies(source, name, start).stream()
        .filter(p -> new File(p).isFile())
        .findFirst()
        .map(Path::of)
        .orElse(null);
  }

  private static Path sourceSibling(String parent, String name, String ext) {
    String path = sibling(name, ext);
    if (parent == null || path == null) {
      return null;
    }
    try {
      Path p = Path.of(parent).resolve(path);
      return java.nio.file.Files.isRegularFile(p) ? p : null;
    } catch (java.nio.file.InvalidPathException e) {
      return null;
    }
  }

  private static String sibling(String sourcePath, String ext) {
    int dot = sourcePath.lastIndexOf('.');
    int slash = sourcePath.lastIndexOf('/');
    return dot > slash + 1 ? sourcePath.substring(0, dot) + ext : null;
  }

  private static String describe(LogSummary s) {
    MatchInfo i = s.info();
    return String.format(
        java.util.Locale.ROOT,
        "%s%s; v_min %s, %d brownout(s), %.2f Wh",
        i.matchType() == null ? "no FMS match" : i.matchType() + " " + i.matchNumber(),
        i.battery() == null ? "" : ", battery " + i.battery(),
        s.tally().vMin() == null
            ? "-"
            : String.format(java.util.Locale.ROOT, "%.2f V", s.tally().vMin()),
        s.tally().brownoutEvents(),
        s.tally().energyWh());
  }
}
