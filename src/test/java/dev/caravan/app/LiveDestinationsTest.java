package dev.caravan.app;

import static dev.caravan.app.AppHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.ledger.DeliveryRow;
import dev.caravan.ledger.DeliveryState;
import dev.caravan.testing.SftpTestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A destination is added and removed by editing routes/ while the application runs. */
class LiveDestinationsTest {

  @TempDir Path tmp;

  @Test
  void aRouteFileAddsAndRemovesADestinationWithoutARestart() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("sftp-root"));
    try (SftpTestServer server = new SftpTestServer(root, tmp.resolve("hostkey"), false);
        AppHarness app =
            new AppHarness(tmp, null)
                .set("caravan.routes.reload", "true")
                .set("caravan.sftp.enabled", "false") // configured, not on
                .set("caravan.sftp.host", "127.0.0.1")
                .set("caravan.sftp.port", Integer.toString(server.port()))
                .set("caravan.sftp.user", SftpTestServer.USER)
                .set("caravan.sftp.password", SftpTestServer.PASSWORD)
                .set("caravan.sftp.strict-host-key-checking", "no")
                .set("caravan.sftp.base", "upload")
                .start()) {
      Files.write(app.inbox.resolve("a.bin"), new byte[] {1});
      app.awaitFiles(1);

      // an operator turns the SFTP destination on in its route file (a templatedRoute)
      Path route = app.routes.resolve("deliver-sftp.camel.yaml");
      String on =
          Files.readString(route)
              .replace(
                  "        value: sftp\n",
                  "        value: sftp\n      - name: enabled\n        value: \"true\"\n");
      assertThat(on).contains("name: enabled");
      Files.writeString(route, on);
      await(
          Duration.ofSeconds(30),
          "the deliver-sftp route loaded",
          () -> app.context().getRoute("deliver-sftp") != null);
      Files.write(app.inbox.resolve("b.bin"), new byte[] {2});
      app.awaitFiles(2);

      // and takes it away again: stops the route (as over JMX) and removes the file for next time
      app.context().getRouteController().stopRoute("deliver-sftp");
      Files.delete(route);
      Files.write(app.inbox.resolve("c.bin"), new byte[] {3});
      app.awaitFiles(3);

      Map<String, List<String>> byFile =
          app.deliveries().stream()
              .collect(
                  Collectors.groupingBy(
                      DeliveryRow::fileName,
                      Collectors.mapping(DeliveryRow::destination, Collectors.toList())));
      assertThat(byFile.get("a.bin")).containsExactly("archive");
      assertThat(byFile.get("b.bin")).containsExactlyInAnyOrder("archive", "sftp");
      assertThat(byFile.get("c.bin")).containsExactly("archive");
      assertThat(app.deliveries()).allMatch(d -> d.state() == DeliveryState.VERIFIED);
      assertThat(Files.readAllBytes(root.resolve(dayOf(app, "b.bin")))).containsExactly(2);
    }
  }

  /** Where the SFTP copy of a file is, below the server root. */
  private static Path dayOf(AppHarness app, String name) {
    return Path.of(
        app.deliveries().stream()
            .filter(d -> d.fileName().equals(name) && d.destination().equals("sftp"))
            .findFirst()
            .orElseThrow()
            .remotePath());
  }
}
