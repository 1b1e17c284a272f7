package dev.caravan.app;

import static dev.caravan.app.AppHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.csv.DslogCsvWriter;
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
    try (AppHarness app =
        new AppHarness(tmp, null).set("camel.main.routesReloadEnabled", "true").start()) {
      Route before = app.context().getRoute("decode-dslog");
      Path route = app.routes.resolve("process.camel.yaml");
      String yaml = Files.readString(route);
      assertThat(yaml).contains("simple: \"{{caravan.decode.filter}}\"");
      // an operator keeps only the records where the robot is enabled
      Files.writeString(
          route, yaml.replace("{{caravan.decode.filter}}", "${body.robotDisabled} == false"));
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
      assertThat(app.files().get(0).state()).isEqualTo("DONE");
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
