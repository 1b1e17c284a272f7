package dev.caravan.app;

import static dev.caravan.app.AppHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.files.Sha256;
import dev.caravan.ledger.DeliveryRow;
import dev.caravan.ledger.DeliveryState;
import dev.caravan.testing.Samples;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scheduled audit route finds a copy changed at the destination and has it delivered again. */
class ScheduledCheckTest {

  @TempDir Path tmp;

  @Test
  void theScheduledCheckFindsAChangedCopyAndQueuesItAgain() throws Exception {
    try (AppHarness app =
        new AppHarness(tmp, null)
            .set("caravan.check.enabled", "true")
            .set("caravan.check.interval", "300")
            .start()) {
      Files.copy(Samples.dslog(Samples.NONE), app.inbox.resolve("a.dslog"));
      app.awaitFiles(1);
      Path raw = app.archive.resolve("2022/03/01/a.dslog");
      String sha = Sha256.of(raw);
      Files.writeString(raw, "tampered", StandardOpenOption.APPEND);

      await(
          Duration.ofSeconds(30),
          "the good copy delivered again beside the changed one",
          () -> Files.exists(app.archive.resolve("2022/03/01/a (2).dslog")));
      app.awaitFiles(1);
      assertThat(Sha256.of(app.archive.resolve("2022/03/01/a (2).dslog"))).isEqualTo(sha);
      DeliveryRow rawRow =
          app.deliveries().stream()
              .filter(d -> d.artifact().equals("raw"))
              .findFirst()
              .orElseThrow();
      assertThat(rawRow.state()).isEqualTo(DeliveryState.VERIFIED);
      assertThat(rawRow.remotePath()).isEqualTo("2022/03/01/a (2).dslog");
      // the changed copy is never overwritten or deleted
      assertThat(new String(Files.readAllBytes(raw), java.nio.charset.StandardCharsets.ISO_8859_1))
          .endsWith("tampered");
      assertThat(app.ledger().events(rawRow.fileId()))
          .anySatisfy(e -> assertThat(e.toString()).contains("holds other bytes"));
    }
  }
}
