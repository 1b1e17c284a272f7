package dev.caravan.app;

import static dev.caravan.app.AppHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.csv.DslogCsvWriter;
import dev.caravan.ledger.FileState;
import dev.caravan.testing.Samples;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.camel.Route;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What an operator relies on: hot-edited routes, the health endpoint, JMX. */
class OperationsTest {

  @TempDir Path tmp;

  @Test
  void anEditedRouteFilterTakesEffectWithoutARestart() throws Exception {
    try (AppHarness app = new AppHarness(tmp, null).set("caravan.routes.reload", "true").start()) {
      Path route = app.routes.resolve("process.camel.yaml");
      keepsOnlyEnabledRecordsOnceReloaded(app, yaml -> Files.writeString(route, yaml));
    }
  }

  /**
   * Kubernetes: the routes are a ConfigMap volume, which the kubelet updates by swapping its ..data
   * link to a new folder (the route files, links through ..data, never change themselves).
   */
  @Test
  void routesInAConfigMapVolumeReloadWhenTheKubeletSwapsThem() throws Exception {
    AppHarness app = new AppHarness(tmp, null);
    Path first = Files.createDirectories(app.routes.resolve("..2026_11_23_01"));
    try (var files = Files.list(app.routes)) {
      for (Path p : files.filter(Files::isRegularFile).toList()) {
        Files.move(p, first.resolve(p.getFileName()));
        Files.createSymbolicLink(p, Path.of("..data").resolve(p.getFileName()));
      }
    }
    Files.createSymbolicLink(app.routes.resolve("..data"), first.getFileName());
    try (app) {
      app.set("caravan.routes.reload", "true").set("caravan.routes.configmap-check", "200").start();
      keepsOnlyEnabledRecordsOnceReloaded(
          app,
          yaml -> {
            // what the kubelet's atomic writer does
            Path second = Files.createDirectories(app.routes.resolve("..2026_11_23_02"));
            try (var files = Files.list(first)) {
              for (Path p : files.toList()) {
                Files.copy(p, second.resolve(p.getFileName()));
              }
            }
            Files.writeString(second.resolve("process.camel.yaml"), yaml);
            Path link = app.routes.resolve("..data_tmp");
            Files.createSymbolicLink(link, second.getFileName());
            Files.move(
                link, app.routes.resolve("..data"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
          });
    }
  }

  /** Edits the decode filter with {@code save}, then checks the reloaded route applies it. */
  private static void keepsOnlyEnabledRecordsOnceReloaded(AppHarness app, RouteSaver save)
      throws Exception {
    Route before = app.context().getRoute("decode-dslog");
    String yaml = Files.readString(app.routes.resolve("process.camel.yaml"));
    assertThat(yaml).contains("constant: \"{{caravan.decode.filter}}\"");
    // an operator keeps only the records where the robot is enabled
    save.save(yaml.replace("{{caravan.decode.filter}}", "${body.robotDisabled} == false"));
    await(
        Duration.ofSeconds(30),
        "the edited route reloaded",
        () -> {
          Route now = app.context().getRoute("decode-dslog");
          return now != null && now != before;
        });
    Files.copy(Samples.dslog(Samples.REV), app.inbox.resolve("rev.dslog"));
    app.awaitFiles(1);
    // status 0xf6 (2565 records) and 0xde (1) are the robot-disabled ones of 4998
    assertThat(
            RouteAppContract.csvRows(
                app.archive.resolve("2022/02/27/rev.v1.csv"), DslogCsvWriter.COLUMNS))
        .isEqualTo(4998 - 2565 - 1);
    assertThat(app.files().get(0).state()).isEqualTo(FileState.DONE);
  }

  private interface RouteSaver {
    void save(String yaml) throws Exception;
  }

  /**
   * The inbox may be an instrument's own folder, or mounted read-only: nothing is written there.
   */
  @Test
  void theInboxIsOnlyRead() throws Exception {
    try (AppHarness app = new AppHarness(tmp, null).start();
        java.nio.file.WatchService watch = app.inbox.getFileSystem().newWatchService()) {
      app.inbox.register(
          watch,
          java.nio.file.StandardWatchEventKinds.ENTRY_CREATE,
          java.nio.file.StandardWatchEventKinds.ENTRY_DELETE,
          java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY);
      Path staging = Files.createDirectories(tmp.resolve("staging"));
      Set<String> names = Set.of("a.bin", "b.bin", "c.bin");
      for (String name : names) {
        Files.write(staging.resolve(name), name.getBytes());
        Files.move(staging.resolve(name), app.inbox.resolve(name));
      }
      app.awaitFiles(3);
      Set<String> touched = new java.util.TreeSet<>();
      for (java.nio.file.WatchKey key; (key = watch.poll()) != null; key.reset()) {
        key.pollEvents().forEach(e -> touched.add(e.kind() + " " + e.context()));
      }
      assertThat(touched)
          .containsExactlyInAnyOrder(
              "ENTRY_CREATE a.bin", "ENTRY_CREATE b.bin", "ENTRY_CREATE c.bin");
    }
  }

  @Test
  void withoutARoutesFolderTheJarsOwnRoutesRun() throws Exception {
    AppHarness app = new AppHarness(tmp, null);
    try (var files = Files.list(app.routes)) {
      for (Path p : files.toList()) {
        Files.delete(p);
      }
    }
    Files.delete(app.routes);
    try (app) {
      app.start();
      assertThat(app.context().getRoutes())
          .extracting(Route::getRouteId)
          .contains("intake-local", "decode-dslog", "deliver-archive");
      Files.copy(Samples.dslog(Samples.NONE), app.inbox.resolve("none.dslog"));
      app.awaitFiles(1);
      assertThat(Files.exists(app.archive.resolve("2022/03/01/none.v1.csv"))).isTrue();
    }
  }

  @Test
  void healthEndpointAndJmx() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    try (AppHarness app =
        new AppHarness(tmp, null)
            .set("camel.management.enabled", "true")
            .set("camel.management.port", Integer.toString(port))
            .start()) {
      HttpClient http = HttpClient.newHttpClient();
      HttpRequest get =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/observe/health"))
              .build();
      // DOWN until the intake has polled once, then UP
      String[] last = {""};
      await(
          Duration.ofSeconds(20),
          "health UP",
          () -> {
            try {
              HttpResponse<String> r = http.send(get, HttpResponse.BodyHandlers.ofString());
              last[0] = r.statusCode() + " " + r.body();
              return r.statusCode() == 200;
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          });
      assertThat(last[0]).contains("UP");

      MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
      Set<ObjectName> routes =
          jmx.queryNames(new ObjectName("org.apache.camel:type=routes,*"), null);
      assertThat(routes)
          .extracting(n -> n.getKeyProperty("name"))
          .contains("\"intake-local\"", "\"decode-dslog\"", "\"deliver-archive\"");
      Set<ObjectName> processors =
          jmx.queryNames(new ObjectName("org.apache.camel:type=processors,*"), null);
      assertThat(processors).isNotEmpty();
      ObjectName intake =
          routes.stream()
              .filter(n -> n.getKeyProperty("name").equals("\"intake-local\""))
              .findFirst()
              .orElseThrow();
      assertThat(jmx.getAttribute(intake, "State")).isEqualTo("Started");
    }
  }
}
