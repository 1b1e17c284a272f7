package dev.caravan.console;

import static dev.caravan.app.AppHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.app.AppHarness;
import dev.caravan.ledger.DeliveryState;
import dev.caravan.ledger.FileState;
import dev.caravan.testing.Samples;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's API against the running application over real HTTP: each endpoint's shape, paging,
 * the 4xx answers, the token, a requeue that really requeues, the event stream resumed with
 * Last-Event-ID, and Jolokia behind the token.
 */
class ConsoleApiTest {

  static final String TOKEN = "console-test-token-4711";
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path tmp;

  final HttpClient http = HttpClient.newHttpClient();
  int port;

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  AppHarness console() throws Exception {
    port = freePort();
    return new AppHarness(tmp, null)
        .set("camel.server.enabled", "true")
        .set("camel.management.enabled", "true")
        .set("camel.management.port", Integer.toString(port))
        .set("caravan.insight.enabled", "true")
        .set("caravan.insight.report-interval", "3600000")
        .set("caravan.console.token", TOKEN)
        .set("caravan.console.poll", "100");
  }

  /** Waits until the delivery is verified again, after one new attempt. */
  static void awaitVerifiedAgain(AppHarness app, long deliveryId) throws InterruptedException {
    await(
        Duration.ofSeconds(20),
        "delivery " + deliveryId + " verified again",
        () ->
            app.deliveries().stream()
                .anyMatch(
                    d ->
                        d.id() == deliveryId
                            && d.state() == DeliveryState.VERIFIED
                            && d.attempts() == 1));
  }

  /** Marks a verified copy quarantined, as eight failed attempts would have. */
  static void quarantine(AppHarness app, long deliveryId) throws Exception {
    try (Connection c = app.ledger().dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.executeUpdate(
          "UPDATE deliveries SET state = 'QUARANTINED', attempts = 8 WHERE id = " + deliveryId);
    }
  }

  HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return http.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(String path, String token) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .POST(HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  JsonNode ok(HttpResponse<String> r) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
    return JSON.readTree(r.body());
  }

  void error(HttpResponse<String> r, int status, String says) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    JsonNode e = JSON.readTree(r.body());
    assertThat(e.get("status").asInt()).isEqualTo(status);
    assertThat(e.get("error").asText()).contains(says);
  }

  @Test
  void everyEndpointAnswersAsDocumentedAndRefusesWhatItShould() throws Exception {
    try (AppHarness app = console().start()) {
      String log = "2026_03_29 09_34_29 Sun";
      Files.copy(Samples.MATCHES.resolve(log + ".dsevents"), app.inbox.resolve(log + ".dsevents"));
      Files.copy(Samples.MATCHES.resolve(log + ".dslog"), app.inbox.resolve(log + ".dslog"));
      Files.copy(Samples.dslog(Samples.NONE), app.inbox.resolve("none.dslog"));
      await(
          Duration.ofSeconds(30),
          "three files summarized and delivered",
          () ->
              app.files().stream().filter(f -> f.state() == FileState.DONE).count() == 3
                  && app.queue().backlog() == 0
                  && app.deliveries().stream()
                          .filter(d -> d.artifact().equals("summary.json"))
                          .count()
                      == 2);

      JsonNode status = ok(get("/api/status"));
      assertThat(status.get("health").get("status").asText()).isEqualTo("UP");
      assertThat(status.get("sources").get("local").get("files").asInt()).isEqualTo(3);
      assertThat(status.get("sources").get("local").has("last_poll")).isTrue();
      JsonNode archive = status.get("destinations").get("archive");
      assertThat(archive.get("backlog").asInt()).isZero();
      assertThat(archive.get("verified_today").asInt()).isEqualTo(app.deliveries().size());
      assertThat(status.get("files").get("DONE").asInt()).isEqualTo(3);
      assertThat(status.get("leader").get(0).get("holder").asText()).isNotBlank();

      // keyset paging, newest first, with the next link as given
      JsonNode page1 = ok(get("/api/files?limit=2"));
      assertThat(page1.get("items")).hasSize(2);
      assertThat(page1.get("items").get(0).get("id").asLong()).isEqualTo(3);
      assertThat(page1.get("items").get(1).get("id").asLong()).isEqualTo(2);
      JsonNode page2 = ok(get(page1.get("next").asText()));
      assertThat(page2.get("items")).extracting(n -> n.get("id").asLong()).containsExactly(1L);
      assertThat(page2.get("next").isNull()).isTrue();
      assertThat(ok(get("/api/files?state=DONE&q=none")).get("items"))
          .extracting(n -> n.get("name").asText())
          .containsExactly("none.dslog");
      error(get("/api/files?page=nonsense"), 400, "not a paging token");
      error(get("/api/files?limit=0"), 400, "limit must be from 1 to 500");
      error(get("/api/files?limit=ten"), 400, "limit must be a number");
      error(get("/api/files?state=LOST"), 400, "state must be one of");

      long logId =
          app.files().stream()
              .filter(f -> f.name().equals(log + ".dslog"))
              .findFirst()
              .orElseThrow()
              .id();
      JsonNode file = ok(get("/api/files/" + logId));
      assertThat(file.get("name").asText()).isEqualTo(log + ".dslog");
      assertThat(file.get("history"))
          .extracting(n -> n.get("event").asText())
          .contains("received", "landed", "decoded", "summarized");
      assertThat(file.get("deliveries"))
          .allSatisfy(d -> assertThat(d.get("verify_method").asText()).isEqualTo("sha256-reread"));
      assertThat(file.get("derived"))
          .extracting(JsonNode::asText)
          .containsExactlyInAnyOrder(log + ".v1.csv", log + ".v1.summary.json");
      assertThat(file.get("summary").get("match_number").asInt()).isEqualTo(52);
      assertThat(file.get("summary").get("records").asLong()).isEqualTo(11464);
      error(get("/api/files/999"), 404, "no file 999");
      error(get("/api/files/abc"), 400, "not an id");

      JsonNode series = ok(get("/api/files/" + logId + "/series?fields=volts,amps&points=500"));
      assertThat(series.get("t").size()).isLessThanOrEqualTo(500).isGreaterThan(100);
      assertThat(series.get("volts").size()).isEqualTo(series.get("t").size());
      assertThat(series.has("channels")).isFalse();
      double lowest = 99;
      for (JsonNode v : series.get("volts")) {
        if (!v.isNull()) lowest = Math.min(lowest, v.asDouble());
      }
      // the lowest point is the log's lowest valid voltage (every point keeps its minimum)
      assertThat(lowest).isLessThanOrEqualTo(file.get("summary").get("v_min").asDouble());
      error(
          get("/api/files/" + logId + "/series?fields=volts,torque"),
          400,
          "unknown field 'torque'");

      JsonNode matches = ok(get("/api/matches"));
      assertThat(matches)
          .extracting(n -> n.get("label").asText())
          .contains("NCPEM Qualification 52");
      // these logs name no battery: an empty list, not an error
      assertThat(ok(get("/api/batteries"))).isEmpty();

      // writes: a token, the right one; nothing changed by a refused call
      long fileId = logId;
      error(post("/api/files/" + fileId + "/lock", null), 401, "no bearer token");
      error(post("/api/files/" + fileId + "/lock", "wrong"), 401, "wrong bearer token");
      assertThat(ok(get("/api/files/" + fileId)).get("history"))
          .noneMatch(h -> h.get("event").asText().equals("locked"));
      assertThat(ok(post("/api/files/" + fileId + "/lock", TOKEN)).get("locked").asBoolean())
          .isTrue();
      assertThat(ok(post("/api/files/" + fileId + "/unlock", TOKEN)).get("locked").asBoolean())
          .isFalse();
      error(post("/api/files/999/lock", TOKEN), 404, "no file 999");

      // a requeue that really requeues: a copy made quarantined goes back and is verified again
      long deliveryId = app.deliveries().get(0).id();
      error(post("/api/deliveries/" + deliveryId + "/requeue", TOKEN), 409, "not QUARANTINED");
      quarantine(app, deliveryId);
      error(post("/api/deliveries/" + deliveryId + "/requeue", null), 401, "no bearer token");
      assertThat(
              ok(post("/api/deliveries/" + deliveryId + "/requeue", TOKEN)).get("requeued").asInt())
          .isEqualTo(1);
      awaitVerifiedAgain(app, deliveryId);
      error(post("/api/deliveries/999999/requeue", TOKEN), 404, "no delivery 999999");

      JsonNode openapi = ok(get("/api/openapi.json"));
      assertThat(openapi.get("paths").has("/api/files/{id}/series")).isTrue();
      assertThat(openapi.get("paths").has("/api/deliveries/{id}/requeue")).isTrue();

      // Jolokia: behind the token; a route's completed exchanges read over HTTP
      assertThat(get("/observe/jolokia/version").statusCode()).isEqualTo(401);
      JsonNode completed =
          ok(
              get(
                  "/observe/jolokia/read/org.apache.camel:context=caravan,type=routes,name=%22api-status%22/ExchangesCompleted",
                  "Authorization", "Bearer " + TOKEN));
      assertThat(completed.get("value").asLong()).isGreaterThanOrEqualTo(1);
      // no secret in any answer
      assertThat(get("/api/status").body()).doesNotContain(TOKEN);
    }
  }

  /** Reads Server-Sent Events until {@code until} holds for what was read, or the time is up. */
  List<Map<String, String>> read(
      String lastEventId, java.util.function.Predicate<List<Map<String, String>>> until)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/events"));
    if (lastEventId != null) {
      b.header("Last-Event-ID", lastEventId);
    }
    HttpResponse<java.io.InputStream> r =
        http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
    List<Map<String, String>> events = new ArrayList<>();
    long end = System.nanoTime() + Duration.ofSeconds(40).toNanos();
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
      Map<String, String> e = new java.util.HashMap<>();
      for (String line; System.nanoTime() < end && (line = in.readLine()) != null; ) {
        if (line.isEmpty()) {
          if (e.containsKey("data")) {
            events.add(e);
            if (until.test(events)) {
              return events;
            }
          }
          e = new java.util.HashMap<>();
        } else if (!line.startsWith(":")) {
          int i = line.indexOf(": ");
          e.put(line.substring(0, i), line.substring(i + 2));
        }
      }
    }
    throw new AssertionError("the stream did not give what was awaited: " + events);
  }

  /** Each named log finished, with its raw file and its CSV delivered (verified). */
  static boolean verifiedEach(List<Map<String, String>> events, Set<String> names) {
    Map<String, Integer> delivered = new java.util.HashMap<>();
    Set<String> finished = new HashSet<>();
    for (Map<String, String> e : events) {
      String file;
      try {
        file = JSON.readTree(e.get("data")).path("file").asText();
      } catch (Exception x) {
        throw new IllegalStateException(x);
      }
      if (e.get("event").equals("delivered")) {
        delivered.merge(file, 1, Integer::sum);
      } else if (e.get("event").equals("finished")) {
        finished.add(file);
      }
    }
    return names.stream().allMatch(n -> finished.contains(n) && delivered.getOrDefault(n, 0) >= 2);
  }

  @Test
  void theStreamShowsEachFileTakenDecodedVerifiedAndResumesWithoutAGap() throws Exception {
    try (AppHarness app = console().start()) {
      Files.copy(Samples.dslog(Samples.NONE), app.inbox.resolve("a.dslog"));
      Files.copy(Samples.dslog(Samples.REV), app.inbox.resolve("b.dslog"));
      List<Map<String, String>> first =
          read(null, ev -> verifiedEach(ev, Set.of("a.dslog", "b.dslog")));
      for (String name : List.of("a.dslog", "b.dslog")) {
        List<String> order = new ArrayList<>();
        for (Map<String, String> e : first) {
          if (JSON.readTree(e.get("data")).path("file").asText().equals(name)) {
            order.add(e.get("event"));
          }
        }
        assertThat(order).containsSubsequence("received", "landed", "decoded", "finished");
        assertThat(order).containsSubsequence("decoded", "delivered"); // the CSV, once made
      }
      // ids rise by one: nothing was skipped
      for (int i = 1; i < first.size(); i++) {
        assertThat(Long.parseLong(first.get(i).get("id")))
            .isEqualTo(Long.parseLong(first.get(i - 1).get("id")) + 1);
      }
      String lastSeen = first.get(first.size() - 1).get("id");
      // disconnected; more happens; a reconnect with Last-Event-ID gets exactly what was missed
      Files.copy(Samples.dslog(Samples.MIXED), app.inbox.resolve("c.dslog"));
      await(
          Duration.ofSeconds(30),
          "c.dslog delivered",
          () ->
              app.files().size() == 3
                  && app.queue().backlog() == 0
                  && app.files().stream().allMatch(f -> f.state() == FileState.DONE));
      long newest;
      try (Connection c = app.ledger().dataSource().getConnection();
          Statement s = c.createStatement();
          var rs = s.executeQuery("SELECT MAX(id) FROM file_events")) {
        rs.next();
        newest = rs.getLong(1);
      }
      List<Map<String, String>> missed =
          read(lastSeen, ev -> Long.parseLong(ev.get(ev.size() - 1).get("id")) >= newest);
      assertThat(Long.parseLong(missed.get(0).get("id"))).isEqualTo(Long.parseLong(lastSeen) + 1);
      assertThat(missed).hasSize((int) (newest - Long.parseLong(lastSeen)));
      assertThat(verifiedEach(missed, Set.of("c.dslog"))).isTrue();
    }
  }
}
