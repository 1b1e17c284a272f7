package dev.caravan.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.insight.InsightSteps;
import dev.caravan.insight.LogReading;
import dev.caravan.insight.PowerSeries;
import dev.caravan.insight.Season;
import dev.caravan.insight.SeasonTable;
import dev.caravan.intake.FileOutcome;
import dev.caravan.intake.IntakeGate;
import dev.caravan.ledger.DeliveryQueue;
import dev.caravan.ledger.DeliveryState;
import dev.caravan.ledger.FileState;
import dev.caravan.ledger.Ledger;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's API, as the beans {@code routes/console.camel.yaml} calls: each method answers one
 * endpoint with JSON, or with a JSON error ({@code {"error": …, "status": …}}) naming what is wrong
 * (4xx) without changing anything.
 */
public final class ConsoleApi {

  private static final Logger LOG = LoggerFactory.getLogger("caravan.console");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> STATES =
      java.util.Arrays.stream(FileState.values())
          .map(Enum::name)
          .collect(java.util.stream.Collectors.toUnmodifiableSet());

  /** The series a client may ask for. */
  static final Set<String> SERIES = Set.of("volts", "amps", "mode", "brownout", "channels");

  private final CamelContext context;
  private final Ledger ledger;
  private final ConsoleQueries queries;
  private final DeliveryQueue queue;
  private final FileOutcome outcome;
  private final InsightSteps insight;
  private final Supplier<List<String>> destinations;

  public ConsoleApi(
      CamelContext context,
      Ledger ledger,
      DeliveryQueue queue,
      FileOutcome outcome,
      InsightSteps insight,
      Supplier<List<String>> destinations) {
    this.context = context;
    this.ledger = ledger;
    this.queries = new ConsoleQueries(ledger);
    this.queue = queue;
    this.outcome = outcome;
    this.insight = insight;
    this.destinations = destinations;
  }

  public ConsoleQueries queries() {
    return queries;
  }

  public Ledger ledger() {
    return ledger;
  }

  // --- the endpoints

  /** GET /api/status */
  public void status(Exchange e) {
    answer(
        e,
        () -> {
          Instant today = LocalDate.now(ZoneOffset.UTC).atStartOfDay(ZoneOffset.UTC).toInstant();
          Map<String, Object> s = new LinkedHashMap<>();
          s.put("at", Instant.now().toString());
          s.put("health", health());
          Map<String, Map<String, Object>> sources = new TreeMap<>();
          for (Map<String, Object> row : queries.sources(today)) {
            sources.put((String) row.remove("source"), row);
          }
          outcome
              .lastPolls()
              .forEach(
                  (source, at) ->
                      sources
                          .computeIfAbsent(source, k -> new LinkedHashMap<>())
                          .put("last_poll", at.toString()));
          outcome
              .pollProblems()
              .forEach(
                  (source, why) ->
                      sources
                          .computeIfAbsent(source, k -> new LinkedHashMap<>())
                          .put("error", why));
          for (IntakeGate gate : outcome.gates()) {
            Map<String, Object> src = sources.get(gate.source());
            if (src != null) {
              src.put("waiting", gate.waiting());
              src.put("unsettled", gate.unsettled());
              src.put("unreadable", gate.unreadable());
            }
          }
          s.put("sources", sources);
          Map<String, Map<String, Object>> places = new TreeMap<>();
          for (String d : destinations.get()) {
            places.put(d, new LinkedHashMap<>(Map.of("backlog", 0, "quarantined", 0)));
          }
          for (Map<String, Object> row : queries.destinations(today)) {
            String d = (String) row.remove("destination");
            Object oldest = row.remove("oldest_pending");
            row.put(
                "oldest_pending_age_s",
                oldest == null
                    ? null
                    : java.time.Duration.between(Instant.parse((String) oldest), Instant.now())
                        .toSeconds());
            row.put("last_error", queries.lastError(d));
            places.computeIfAbsent(d, k -> new LinkedHashMap<>()).putAll(row);
          }
          s.put("destinations", places);
          s.put("leader", queries.leases());
          Map<String, Object> counts = new TreeMap<>();
          for (Map<String, Object> row : queries.counts()) {
            counts.put((String) row.get("state"), row.get("n"));
          }
          s.put("files", counts);
          return s;
        });
  }

  /** GET /api/files?state=&source=&q=&limit=&page= (newest first, keyset-paged). */
  public void files(Exchange e) {
    answer(
        e,
        () -> {
          Message m = e.getMessage();
          String state = text(m, "state");
          if (state != null && !STATES.contains(state)) {
            throw new ApiException(400, "state must be one of " + new java.util.TreeSet<>(STATES));
          }
          int limit = number(m, "limit", 50, 1, 500);
          String page = text(m, "page");
          Long before = page == null ? null : pageToken(page);
          String source = text(m, "source");
          String q = text(m, "q");
          List<Map<String, Object>> items = queries.files(state, source, q, before, limit + 1);
          String next = null;
          if (items.size() > limit) {
            items = items.subList(0, limit);
            long last = ((Number) items.get(limit - 1).get("id")).longValue();
            StringBuilder url = new StringBuilder("/api/files?limit=" + limit);
            appendParam(url, "state", state);
            appendParam(url, "source", source);
            appendParam(url, "q", q);
            url.append("&page=").append(token(last));
            next = url.toString();
          }
          Map<String, Object> out = new LinkedHashMap<>();
          out.put("items", items);
          out.put("next", next);
          return out;
        });
  }

  /** GET /api/files/{id}: the file, its history, its deliveries (and so its derived files). */
  public void file(Exchange e) {
    answer(
        e,
        () -> {
          long id = id(e);
          Map<String, Object> f = fileOr404(id);
          Map<String, Object> out = new LinkedHashMap<>(f);
          out.put("history", queries.history(id));
          List<Map<String, Object>> deliveries = queries.deliveries(id);
          out.put("deliveries", deliveries);
          out.put(
              "derived",
              deliveries.stream()
                  .filter(d -> !"raw".equals(d.get("artifact")))
                  .map(d -> d.get("name"))
                  .distinct()
                  .toList());
          out.put("summary", insight.season().row(id).map(r -> r.summary().toMap()).orElse(null));
          return out;
        });
  }

  /** GET /api/matches */
  public void matches(Exchange e) {
    answer(e, () -> matchList().stream().map(this::matchJson).toList());
  }

  /** GET /api/batteries */
  public void batteries(Exchange e) {
    answer(
        e,
        () ->
            Season.batteries(matchList(), insight.settings().resistanceWarnMohm()).stream()
                .map(Season.Battery::toMap)
                .toList());
  }

  private List<Season.Match> matchList() {
    return Season.matches(insight.season().rows(null));
  }

  private Map<String, Object> matchJson(Season.Match m) {
    Map<String, Object> j = new LinkedHashMap<>();
    j.put("label", m.label());
    j.put("file_ids", m.logs().stream().map(SeasonTable.Row::fileId).toList());
    j.putAll(m.toMap());
    return j;
  }

  /**
   * GET /api/files/{id}/series?fields=volts,amps,…&points=N: a log's records for plotting, at most
   * N points a series (each the lowest voltage and highest current of its records).
   */
  public void series(Exchange e) {
    answer(
        e,
        () -> {
          long id = id(e);
          Map<String, Object> f = fileOr404(id);
          if (!"dslog".equals(f.get("kind"))) {
            throw new ApiException(400, "file " + id + " is not a .dslog: it has no records");
          }
          String fields = text(e.getMessage(), "fields");
          List<String> wanted =
              fields == null
                  ? List.copyOf(new java.util.TreeSet<>(SERIES))
                  : List.of(fields.split(","));
          for (String w : wanted) {
            if (!SERIES.contains(w)) {
              throw new ApiException(
                  400, "unknown field '" + w + "': one of " + new java.util.TreeSet<>(SERIES));
            }
          }
          int points = number(e.getMessage(), "points", 2000, 10, PowerSeries.MAX_POINTS);
          Object landed = f.get("landing_path");
          if (landed == null || !Files.isRegularFile(Path.of((String) landed))) {
            throw new ApiException(
                404, "file " + id + " is no longer kept here (retention): no records to plot");
          }
          PowerSeries.Points p;
          try {
            p = LogReading.of(Path.of((String) landed)).series().points(points);
          } catch (IOException ex) {
            throw new ApiException(422, "file " + id + " cannot be read: " + ex.getMessage());
          }
          Map<String, Object> out = new LinkedHashMap<>();
          out.put("file_id", id);
          out.put("t", p.t());
          if (wanted.contains("volts")) out.put("volts", p.volts());
          if (wanted.contains("amps")) out.put("amps", p.amps());
          if (wanted.contains("mode")) out.put("mode", p.mode());
          if (wanted.contains("brownout")) out.put("brownout", p.brownout());
          if (wanted.contains("channels")) out.put("channels", p.channelAmps());
          return out;
        });
  }

  /** POST /api/deliveries/{id}/requeue: a quarantined delivery back in the queue. */
  public void requeue(Exchange e) {
    answer(
        e,
        () -> {
          long id = id(e);
          Map<String, Object> d = queries.delivery(id);
          if (d == null) {
            throw new ApiException(404, "no delivery " + id + " in the ledger");
          }
          if (!DeliveryState.QUARANTINED.name().equals(d.get("state"))) {
            throw new ApiException(
                409,
                "delivery " + id + " is " + d.get("state") + ", not QUARANTINED: nothing to do");
          }
          int n = queue.requeue(id);
          LOG.info("console: delivery {} requeued", id);
          return Map.of("requeued", n, "delivery", id);
        });
  }

  /** POST /api/files/{id}/lock and /unlock: kept from retention, or not. */
  public void lock(Exchange e) {
    answer(e, () -> locked(e, true));
  }

  public void unlock(Exchange e) {
    answer(e, () -> locked(e, false));
  }

  private Map<String, Object> locked(Exchange e, boolean lock) {
    long id = id(e);
    if (!ledger.lock(id, lock)) {
      throw new ApiException(404, "no file " + id + " in the ledger");
    }
    LOG.info("console: file {} {}", id, lock ? "locked" : "unlocked");
    return Map.of("file", id, "locked", lock);
  }

  // --- helpers

  private Map<String, Object> health() {
    Map<String, Object> h = new LinkedHashMap<>();
    boolean up = true;
    for (HealthCheck.Result r : HealthCheckHelper.invoke(context, "full")) {
      Map<String, Object> one = new LinkedHashMap<>();
      one.put("state", r.getState().name());
      r.getMessage().ifPresent(msg -> one.put("message", msg));
      h.put(r.getCheck().getId(), one);
      up &= r.getState() != HealthCheck.State.DOWN;
    }
    return Map.of("status", up ? "UP" : "DOWN", "checks", h);
  }

  /** Runs the endpoint: 200 with its JSON, or the error's status with a JSON error. */
  static void answer(Exchange e, Supplier<Object> body) {
    Message m = e.getMessage();
    int status = 200;
    Object value;
    try {
      value = body.get();
    } catch (ApiException ex) {
      status = ex.status();
      value = Map.of("error", ex.getMessage(), "status", status);
    } catch (RuntimeException ex) {
      LOG.error("console: {} failed", e.getFromRouteId(), ex);
      status = 500;
      value = Map.of("error", "internal error: " + ex, "status", 500);
    }
    try {
      m.setBody(JSON.writeValueAsString(value).getBytes(StandardCharsets.UTF_8));
    } catch (IOException ex) {
      throw new IllegalStateException(ex);
    }
    m.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
    m.setHeader(Exchange.CONTENT_TYPE, "application/json");
  }

  private Map<String, Object> fileOr404(long id) {
    Map<String, Object> f = queries.file(id);
    if (f == null) {
      throw new ApiException(404, "no file " + id + " in the ledger");
    }
    return f;
  }

  private static long id(Exchange e) {
    String id = e.getMessage().getHeader("id", String.class);
    try {
      return Long.parseLong(id);
    } catch (NumberFormatException | NullPointerException ex) {
      throw new ApiException(400, "not an id: '" + id + "'");
    }
  }

  private static String text(Message m, String name) {
    String v = m.getHeader(name, String.class);
    return v == null || v.isBlank() ? null : v;
  }

  private static int number(Message m, String name, int dflt, int min, int max) {
    String v = text(m, name);
    if (v == null) {
      return dflt;
    }
    try {
      int n = Integer.parseInt(v);
      if (n < min || n > max) {
        throw new ApiException(400, name + " must be from " + min + " to " + max + ", not " + n);
      }
      return n;
    } catch (NumberFormatException ex) {
      throw new ApiException(400, name + " must be a number, not '" + v + "'");
    }
  }

  private static void appendParam(StringBuilder url, String name, String value) {
    if (value != null) {
      url.append('&')
          .append(name)
          .append('=')
          .append(java.net.URLEncoder.encode(value, StandardCharsets.UTF_8));
    }
  }

  /** The opaque paging token of a page that continues after file id {@code id}. */
  static String token(long id) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(("before:" + id).getBytes(StandardCharsets.UTF_8));
  }

  static long pageToken(String token) {
    try {
      String t = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
      if (t.startsWith("before:")) {
        return Long.parseLong(t.substring(7));
      }
    } catch (IllegalArgumentException ex) {
      // not base64, or not a number after the prefix: the same answer
    }
    throw new ApiException(400, "not a paging token: '" + token + "' (use the next link as given)");
  }
}
