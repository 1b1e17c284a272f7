package dev.caravan.app;

import static dev.caravan.app.AppHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stale-data watchdog: health DOWN and back UP, a WARN once, the webhooks called. */
class WatchdogTest {

  @TempDir Path tmp;
  HttpServer hooks;
  final List<String> calls = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    hooks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
    hooks.createContext(
        "/",
        x -> {
          calls.add(
              x.getRequestURI().getPath() + " " + new String(x.getRequestBody().readAllBytes()));
          x.sendResponseHeaders(200, -1);
          x.close();
        });
    hooks.start();
  }

  @AfterEach
  void stop() {
    hooks.stop(0);
  }

  String hook(String path) {
    return "http://127.0.0.1:" + hooks.getAddress().getPort() + path;
  }

  static HealthCheck.Result watchdog(AppHarness app) {
    return HealthCheckRegistry.get(app.context()).getCheck("watchdog").orElseThrow().call();
  }

  @Test
  void aQuietSourceTurnsHealthDownUntilAFileArrives() throws Exception {
    try (AppHarness app =
        new AppHarness(tmp, null)
            .set("caravan.metrics.refresh", "200")
            .set("caravan.watchdog.source-quiet", "PT1.5S")
            .set("caravan.watchdog.webhook.stale", hook("/uuid/fail"))
            .set("caravan.watchdog.webhook.ok", hook("/uuid"))
            .start()) {
      await(
          Duration.ofSeconds(20),
          "the watchdog DOWN",
          () -> watchdog(app).getState() == HealthCheck.State.DOWN);
      assertThat(watchdog(app).getMessage()).get().asString().contains("source local");
      // an alarm, not a probe: stale data is not cured by a restart, and an unready pod could not
      // lead the intake on Kubernetes any more
      assertThat(org.apache.camel.health.HealthCheckHelper.invoke(app.context()))
          .anyMatch(r -> r.getCheck().getId().equals("watchdog"));
      assertThat(org.apache.camel.health.HealthCheckHelper.invokeLiveness(app.context()))
          .noneMatch(r -> r.getCheck().getId().equals("watchdog"))
          .allMatch(r -> r.getState() == HealthCheck.State.UP);
      assertThat(org.apache.camel.health.HealthCheckHelper.invokeReadiness(app.context()))
          .noneMatch(r -> r.getCheck().getId().equals("watchdog"))
          .allMatch(r -> r.getState() == HealthCheck.State.UP);
      await(Duration.ofSeconds(10), "the stale webhook", () -> !calls.isEmpty());
      Thread.sleep(1000); // more refreshes while stale: no second call
      assertThat(calls).containsExactly("/uuid/fail source local");

      Files.write(app.inbox.resolve("a.bin"), new byte[] {1});
      app.awaitFiles(1);
      await(
          Duration.ofSeconds(20),
          "the watchdog UP again",
          () -> watchdog(app).getState() == HealthCheck.State.UP);
      await(Duration.ofSeconds(10), "the ok webhook", () -> calls.size() == 2);
      assertThat(calls.get(1)).isEqualTo("/uuid fresh");
    }
  }

  @Test
  void startHeartbeatAndFailureWebhooks() throws Exception {
    try (AppHarness app =
        new AppHarness(tmp, null)
            .set("caravan.metrics.refresh", "200")
            .set("caravan.watchdog.webhook.start", hook("/uuid/start"))
            .set("caravan.watchdog.webhook.success", hook("/uuid"))
            .set("caravan.watchdog.webhook.failure", hook("/uuid/fail"))
            .set("caravan.watchdog.heartbeat", "PT1H")
            .start()) {
      await(Duration.ofSeconds(10), "start and a heartbeat", () -> calls.size() >= 2);
      // a file that cannot be decoded: FAILED in the ledger
      Files.write(app.inbox.resolve("bad.dslog"), new byte[] {1, 2, 3});
      app.awaitFiles(1);
      await(
          Duration.ofSeconds(10),
          "the failure webhook",
          () -> calls.stream().anyMatch(c -> c.startsWith("/uuid/fail")));
      Thread.sleep(1000);
      assertThat(calls) // the calls are asynchronous: their order is not fixed
          .containsExactlyInAnyOrder(
              "/uuid/start started",
              "/uuid ok", // one heartbeat an hour
              "/uuid/fail 1 more failed file(s) or quarantined delivery(ies): see caravan status");
    }
  }

  @Test
  void aDestinationThatVerifiesNothingWhileFilesWaitIsStale() throws Exception {
    try (AppHarness app =
        new AppHarness(tmp, null)
            .set("caravan.metrics.refresh", "200")
            .set("caravan.watchdog.destination-quiet", "PT1S")
            .set("caravan.destinations", "archive,sftp")
            .set("caravan.sftp.enabled", "true")
            .set("caravan.sftp.host", "127.0.0.1")
            .set("caravan.sftp.port", "1") // nothing listens: nothing is ever verified there
            .set("caravan.sftp.password", "x")
            .set("caravan.sftp.strict-host-key-checking", "no")
            .set("caravan.sftp.timeout", "500")
            .set("caravan.deliver.max-attempts", "1000")
            .start()) {
      Files.write(app.inbox.resolve("a.bin"), new byte[] {1});
      await(
          Duration.ofSeconds(20),
          "the watchdog DOWN for sftp",
          () -> watchdog(app).getState() == HealthCheck.State.DOWN);
      assertThat(watchdog(app).getMessage().orElse(""))
          .contains("destination sftp")
          .doesNotContain("destination archive");
    }
  }
}
