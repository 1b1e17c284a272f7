package dev.caravan.app;

import static dev.caravan.app.AppHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.ledger.DeliveryRow;
import dev.caravan.testing.Samples;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Caravan's figures on /observe/metrics (Prometheus) and as JMX attributes, after a known run. */
class MetricsTest {

  @TempDir Path tmp;

  static int freePort() throws Exception {
    try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  static String scrape(int port) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/observe/metrics"))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  @Test
  void theFiguresOfARunAreOnTheScrapeEndpointAndInJmx() throws Exception {
    int port = freePort();
    try (AppHarness app =
        new AppHarness(tmp, null)
            .set("camel.management.enabled", "true")
            .set("camel.management.port", Integer.toString(port))
            .set("caravan.metrics.refresh", "200")
            .start()) {
      Files.copy(Samples.dslog(Samples.NONE), app.inbox.resolve("a.dslog"));
      Files.copy(Samples.dsevents(Samples.CTRE), app.inbox.resolve("b.dsevents"));
      app.awaitFiles(2);
      long bytes = app.deliveries().stream().mapToLong(DeliveryRow::size).sum();
      await(
          Duration.ofSeconds(20),
          "the figures refreshed",
          () -> {
            try {
              return scrape(port)
                  .contains("caravan_deliveries{destination=\"archive\",state=\"VERIFIED\"} 4.0");
            } catch (Exception e) {
              return false;
            }
          });
      String text = scrape(port);
      assertThat(text)
          .contains("caravan_files{source=\"local\",state=\"DONE\"} 2.0")
          .contains("caravan_delivered_bytes{destination=\"archive\"} " + (double) bytes)
          .contains("caravan_source_last_poll_timestamp{source=\"local\"}")
          .contains("caravan_destination_last_verified_timestamp{destination=\"archive\"}")
          .doesNotContain("caravan_oldest_undelivered_age_seconds") // nothing undelivered
          .contains("camel_exchanges_total"); // Camel's own, alongside

      ObjectName name =
          new ObjectName("org.apache.camel:context=caravan,type=caravan,name=metrics");
      var server = ManagementFactory.getPlatformMBeanServer();
      assertThat(server.getAttribute(name, "deliveries.archive.VERIFIED")).isEqualTo(4.0);
      assertThat(server.getAttribute(name, "files.local.DONE")).isEqualTo(2.0);
      assertThat(server.getAttribute(name, "delivered.bytes.archive")).isEqualTo((double) bytes);
    }
  }
}
