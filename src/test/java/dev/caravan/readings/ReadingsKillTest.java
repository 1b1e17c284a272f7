package dev.caravan.readings;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.app.AppHarness;
import dev.caravan.testing.ChildApp;
import dev.caravan.testing.Drill;
import dev.caravan.testing.TestConfig;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Readings posted by 4 clients while the app is killed with kill -9 twice: every acknowledged
 * reading ends up in exactly one Parquet file at the destination, in the file of its station and
 * window; a reading whose batch was not acknowledged is there once or not at all. Small here;
 * {@code bench/readings.sh} posts 100,000 ({@code -Dcaravan.drill.readings}).
 */
class ReadingsKillTest {

  static final String TOKEN = "readings-kill-token";
  static final Pattern FILE =
      Pattern.compile(
          "station=(s\\d)/year=(\\d{4})/month=(\\d\\d)/day=(\\d\\d)/data_(\\d\\d)(\\d\\d)(_\\d+)?\\.parquet");
  @TempDir Path tmp;

  @Test
  void killedTwiceWhileReadingsArriveEveryAcknowledgedReadingIsInOneParquetFile() throws Exception {
    Drill drill = new Drill("readings-kill-9");
    int n = Drill.size("readings", 20_000);
    int batch = 250;
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Map<String, String> config = new TreeMap<>();
    config.put("caravan.archive", tmp.resolve("archive").toString());
    config.put("caravan.data", tmp.resolve("data").toString());
    config.put("caravan.destinations", "archive");
    config.put("caravan.readings.enabled", "true");
    config.put("caravan.readings.window", "PT1M");
    config.put("caravan.readings.grace", "PT1S");
    config.put("caravan.readings.interval", "300");
    config.put("caravan.console.token", TOKEN);
    Map<String, String> env = TestConfig.env(config);
    env.put("CAMEL_SERVER_ENABLED", "true");
    env.put("CAMEL_MANAGEMENT_ENABLED", "true");
    env.put("CAMEL_MANAGEMENT_PORT", Integer.toString(port));
    Path log = tmp.resolve("app.log");
    Path work = Files.createDirectories(tmp.resolve("work"));
    // readings 10 ms apart from this instant: n / 6000 one-minute windows, three stations
    Instant base = Instant.parse("2026-11-01T00:00:00Z");
    Set<Integer> acknowledged = ConcurrentHashMap.newKeySet();
    AtomicInteger next = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    Process app = ChildApp.start(work, log, env);
    awaitUp(http, port);
    ExecutorService clients = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> posting = new ArrayList<>();
      for (int c = 0; c < 4; c++) {
        posting.add(
            clients.submit(
                () -> {
                  for (int from; (from = next.getAndAdd(batch)) < n; ) {
                    StringBuilder body = new StringBuilder("[");
                    int to = Math.min(n, from + batch);
                    for (int k = from; k < to; k++) {
                      body.append(k > from ? "," : "")
                          .append("{\"station\":\"s")
                          .append(k % 3)
                          .append("\",\"time\":\"")
                          .append(base.plusMillis(10L * k))
                          .append("\",\"values\":{\"seq\":")
                          .append(k)
                          .append(",\"half\":")
                          .append(k * 0.5)
                          .append("}}");
                    }
                    body.append("]");
                    HttpRequest request =
                        HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + port + "/api/readings"))
                            .timeout(Duration.ofSeconds(10))
                            .header("Authorization", "Bearer " + TOKEN)
                            .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                            .build();
                    try {
                      HttpResponse<String> r =
                          http.send(request, HttpResponse.BodyHandlers.ofString());
                      if (r.statusCode() == 200) {
                        for (int k = from; k < to; k++) {
                          acknowledged.add(k);
                        }
                        continue;
                      }
                    } catch (java.io.IOException e) {
                      // the app is down: this batch is not acknowledged (it may have been kept)
                    }
                    refused.incrementAndGet();
                    awaitUp(http, port);
                  }
                  return null;
                }));
      }
      for (int kill = 1; kill <= 2; kill++) {
        int at = n * kill / 3;
        AppHarness.await(
            Duration.ofSeconds(120), "readings to kill " + kill, () -> acknowledged.size() >= at);
        app.destroyForcibly(); // kill -9
        app.waitFor(30, TimeUnit.SECONDS);
        drill.figure(
            "kill %d at %.1f s: %d readings acknowledged",
            kill, drill.elapsed(), acknowledged.size());
        app = ChildApp.start(work, log, env);
      }
      for (Future<?> f : posting) {
        f.get(300, TimeUnit.SECONDS);
      }
      drill.figure(
          "%d readings posted by 4 clients: %d acknowledged, %d batches refused while down",
          n, acknowledged.size(), refused.get());
      Path archive = tmp.resolve("archive");
      Path spool = tmp.resolve("data/readings/spool");
      Path outbox = tmp.resolve("data/readings/outbox");
      AppHarness.await(
          Duration.ofSeconds(120),
          "every window written and delivered",
          () ->
              names(spool).stream().noneMatch(x -> x.endsWith(".jsonl") || x.endsWith(".sealed"))
                  && names(outbox).isEmpty()
                  && seqs(archive).keySet().containsAll(acknowledged));
    } finally {
      clients.shutdownNow();
      app.destroy();
      app.waitFor(60, TimeUnit.SECONDS);
      // the app's own log beside the figures, to see what a failed run left undone
      Files.copy(
          log,
          Files.createDirectories(Path.of("target", "drills")).resolve("readings-kill-9-app.log"),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      var archived = seqs(tmp.resolve("archive")).keySet();
      drill.figure(
          "at the end: spool %s, outbox %s, %d acknowledged not in the archive",
          names(tmp.resolve("data/readings/spool")),
          names(tmp.resolve("data/readings/outbox")),
          acknowledged.stream().filter(k -> !archived.contains(k)).count());
    }
    Map<Integer, List<String>> where = seqs(tmp.resolve("archive"));
    for (int k : acknowledged) {
      assertThat(where.get(k)).as("acknowledged reading %d", k).hasSize(1);
    }
    for (Map.Entry<Integer, List<String>> e : where.entrySet()) {
      int k = e.getKey();
      assertThat(e.getValue()).as("reading %d", k).hasSize(1);
      String file = e.getValue().get(0);
      Matcher m = FILE.matcher(file);
      assertThat(m.find()).as(file).isTrue();
      ZonedDateTime t = base.plusMillis(10L * k).atZone(ZoneOffset.UTC);
      assertThat(m.group(1)).as("station of %d", k).isEqualTo("s" + (k % 3));
      assertThat(
              List.of(
                  Integer.parseInt(m.group(2)),
                  Integer.parseInt(m.group(3)),
                  Integer.parseInt(m.group(4)),
                  Integer.parseInt(m.group(5)),
                  Integer.parseInt(m.group(6))))
          .as("the window of reading %d in %s", k, file)
          .containsExactly(
              t.getYear(), t.getMonthValue(), t.getDayOfMonth(), t.getHour(), t.getMinute());
    }
    assertThat(files(tmp.resolve("archive")))
        .as("no temporary file at the destination")
        .allMatch(p -> FILE.matcher(p.toString()).find());
    drill.figure(
        "every acknowledged reading once: %d in %d Parquet files",
        where.size(), files(tmp.resolve("archive")).size());
  }

  /** Waits until the app answers (a client that lost its answer sends its next batch then). */
  static void awaitUp(HttpClient http, int port) throws InterruptedException {
    AppHarness.await(
        Duration.ofSeconds(120),
        "the app to answer",
        () -> {
          try {
            return http.send(
                        HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + port + "/api/status"))
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                        HttpResponse.BodyHandlers.discarding())
                    .statusCode()
                == 200;
          } catch (java.io.IOException | InterruptedException e) {
            return false;
          }
        });
  }

  /** Each reading's seq → the Parquet files (relative paths) holding it. */
  static Map<Integer, List<String>> seqs(Path archive) {
    Map<Integer, List<String>> out = new HashMap<>();
    if (files(archive).isEmpty()) {
      return out;
    }
    try {
      for (String row :
          dev.caravan.testing.DuckDbQuery.rows(
              "SELECT CAST(seq AS INTEGER), filename FROM read_parquet('"
                  + archive
                  + "/station=*/*/*/*/*.parquet', filename = true, union_by_name = true)")) {
        int bar = row.indexOf('|');
        out.computeIfAbsent(Integer.parseInt(row.substring(0, bar)), k -> new ArrayList<>())
            .add(archive.relativize(Path.of(row.substring(bar + 1))).toString());
      }
    } catch (java.sql.SQLException e) {
      return Map.of(); // a file being written as we look: not yet
    }
    return out;
  }

  static List<Path> files(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    // the app renames and deletes files while the walk runs: walk again until one completes
    for (int attempt = 0; ; attempt++) {
      try (Stream<Path> s = Files.walk(dir)) {
        return s.filter(Files::isRegularFile).map(dir::relativize).toList();
      } catch (java.io.IOException | java.io.UncheckedIOException e) {
        if (attempt == 50) {
          throw new AssertionError("cannot list " + dir, e);
        }
      }
    }
  }

  static List<String> names(Path dir) {
    return files(dir).stream().map(Path::toString).toList();
  }
}
