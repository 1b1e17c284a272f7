package dev.caravan.observe;

import dev.caravan.ledger.DeliveryState;
import dev.caravan.ledger.FileState;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stale-data watchdog, as the {@code watchdog} health check: DOWN while a source has brought no
 * new file for longer than {@code caravan.watchdog.source-quiet}, or a destination with a backlog
 * has verified nothing for longer than {@code caravan.watchdog.destination-quiet}. Each change is
 * logged once (WARN when stale, INFO when fresh again), and can call a webhook in the style of
 * healthchecks.io: the stale URL when something goes stale, the ok URL when all is fresh again.
 * Also in that style: the start URL once the application runs, the success URL as a heartbeat (at
 * most every {@code heartbeat}) while nothing is stale, the failure URL when more files have failed
 * or more deliveries are quarantined than at the last look.
 */
public final class Watchdog extends AlarmCheck {

  private static final Logger LOG = LoggerFactory.getLogger("caravan.watchdog");

  /** What the watchdog looks at, from the ledger's figures and the running routes. */
  public record Settings(
      Duration sourceQuiet,
      Duration destinationQuiet,
      String staleUrl,
      String okUrl,
      String startUrl,
      String successUrl,
      String failureUrl,
      Duration heartbeat) {}

  private final Settings settings;
  private final Supplier<Collection<String>> sources;
  private final Clock clock;
  private final Instant started;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final Map<String, String> stale = new ConcurrentHashMap<>();
  private double failuresSeen = -1;
  private Instant lastSuccess;

  /**
   * @param sources the running intakes (local, sftp, drive), watched even before their first file
   */
  public Watchdog(Settings settings, Supplier<Collection<String>> sources, Clock clock) {
    super("watchdog");
    this.settings = settings;
    this.sources = sources;
    this.clock = clock;
    this.started = clock.instant();
  }

  /** The application runs: the start webhook. */
  public void started() {
    call(settings.startUrl(), "started");
  }

  /** Looks at the latest figures; called after each refresh of the metrics. */
  public synchronized void evaluate(Iterable<LedgerFigures.Figure> figures) {
    Instant now = clock.instant();
    double failures = 0;
    for (LedgerFigures.Figure f : figures) {
      boolean failedFile =
          f.name().equals("caravan.files") && f.labels().get(3).equals(FileState.FAILED.name());
      boolean quarantined =
          f.name().equals("caravan.deliveries")
              && f.labels().get(3).equals(DeliveryState.QUARANTINED.name());
      if (failedFile || quarantined) {
        failures += f.value();
      }
    }
    if (failuresSeen >= 0 && failures > failuresSeen) {
      call(
          settings.failureUrl(),
          (long) (failures - failuresSeen)
              + " more failed file(s) or quarantined delivery(ies): see caravan status");
    }
    failuresSeen = failures;
    // a battery newly flagged by the insight (caravan.battery.flagged = 1): the failure webhook
    java.util.Set<String> flagged = new java.util.TreeSet<>();
    for (LedgerFigures.Figure f : figures) {
      if (f.name().equals("caravan.battery.flagged") && f.value() > 0) {
        flagged.add(f.labels().get(1));
      }
    }
    java.util.Set<String> newly = new java.util.TreeSet<>(flagged);
    newly.removeAll(flaggedBatteries);
    if (!newly.isEmpty()) {
      call(
          settings.failureUrl(),
          "battery flagged: " + String.join(", ", newly) + ": see caravan insight batteries");
    }
    flaggedBatteries = flagged;
    Map<String, Instant> newest = new TreeMap<>();
    Map<String, Instant> lastVerified = new TreeMap<>();
    Map<String, Double> backlog = new TreeMap<>();
    Map<String, Double> waiting = new TreeMap<>(); // the oldest undelivered file's wait, seconds
    for (String s : sources.get()) {
      newest.put(s, started);
    }
    for (LedgerFigures.Figure f : figures) {
      String label = f.labels().size() > 1 ? f.labels().get(1) : "";
      switch (f.name()) {
        case "caravan.source.last.file.timestamp" -> {
          if (newest.containsKey(label)) { // a running intake; not a removed one or the markers
            newest.merge(label, at(f), Watchdog::later);
          }
        }
        case "caravan.destination.last.verified.timestamp" -> lastVerified.put(label, at(f));
        case "caravan.deliveries" -> {
          if (!f.labels().get(3).equals(DeliveryState.VERIFIED.name())) {
            backlog.merge(label, f.value(), Double::sum);
          }
        }
        case "caravan.oldest.undelivered.age.seconds" -> waiting.put(label, f.value());
        default -> {}
      }
    }
    Map<String, String> now_ = new TreeMap<>();
    if (settings.sourceQuiet() != null) {
      newest.forEach(
          (source, t) -> {
            if (t.plus(settings.sourceQuiet()).isBefore(now)) {
              now_.put("source " + source, "no new file since " + t);
            }
          });
    }
    if (settings.destinationQuiet() != null) {
      backlog.forEach(
          (destination, n) -> {
            Instant t = lastVerified.getOrDefault(destination, started);
            double waited = waiting.getOrDefault(destination, 0.0);
            // files have waited that long, and nothing was verified there for that long
            if (n > 0
                && waited > settings.destinationQuiet().toSeconds()
                && later(t, started).plus(settings.destinationQuiet()).isBefore(now)) {
              now_.put(
                  "destination " + destination,
                  n.longValue() + " waiting, nothing verified since " + later(t, started));
            }
          });
    }
    boolean wasStale = !stale.isEmpty();
    for (var e : now_.entrySet()) {
      if (!stale.containsKey(e.getKey())) {
        LOG.warn("STALE: {}: {}", e.getKey(), e.getValue());
      }
    }
    for (String k : stale.keySet()) {
      if (!now_.containsKey(k)) {
        LOG.info("fresh again: {}", k);
      }
    }
    stale.clear();
    stale.putAll(now_);
    if (!wasStale && !stale.isEmpty()) {
      call(settings.staleUrl(), String.join("; ", stale.keySet()));
    } else if (wasStale && stale.isEmpty()) {
      call(settings.okUrl(), "fresh");
    }
    if (stale.isEmpty()
        && (lastSuccess == null
            || settings.heartbeat() == null
            || !lastSuccess.plus(settings.heartbeat()).isAfter(now))) {
      lastSuccess = now;
      call(settings.successUrl(), "ok");
    }
  }

  private void call(String url, String body) {
    if (url == null || url.isBlank()) {
      return;
    }
    http.sendAsync(
            HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .whenComplete(
            (r, e) -> {
              if (e != null || r.statusCode() >= 300) {
                LOG.warn(
                    "watchdog webhook {} failed: {}",
                    url,
                    e != null ? e.toString() : "HTTP " + r.statusCode());
              }
            });
  }

  private java.util.Set<String> flaggedBatteries = java.util.Set.of();

  public Map<String, String> stale() {
    return Map.copyOf(stale);
  }

  @Override
  protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
    Map<String, String> s = stale();
    s.forEach(builder::detail);
    if (s.isEmpty()) {
      builder.up();
    } else {
      builder.message("stale: " + String.join("; ", s.keySet())).down();
    }
  }

  private static Instant at(LedgerFigures.Figure f) {
    return Instant.ofEpochMilli((long) (f.value() * 1000));
  }

  private static Instant later(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }
}
