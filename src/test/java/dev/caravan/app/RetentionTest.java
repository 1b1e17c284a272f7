package dev.caravan.app;

import static dev.caravan.app.AppHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.ledger.DeliveryState;
import dev.caravan.ledger.EventRow;
import dev.caravan.ledger.FileRow;
import dev.caravan.testing.Samples;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Local copies go only when every required destination has a verified copy, long enough,
 * re-checked.
 */
class RetentionTest {

  @TempDir Path tmp;

  private AppHarness app(String after) throws Exception {
    return new AppHarness(tmp, null)
        .set("caravan.retention.enabled", "true")
        .set("caravan.retention.delete-local-after", after)
        .set("caravan.retention.interval", "200");
  }

  private static boolean deletedLocally(AppHarness app, long id) {
    return app.ledger().events(id).stream().anyMatch(e -> e.event().equals("deleted-local"));
  }

  @Test
  void deletedAfterTheRetentionTimeNeverWhenLockedAndTheInboxIsKept() throws Exception {
    try (AppHarness app = app("PT4S").start()) {
      Files.copy(Samples.dslog(Samples.NONE), app.inbox.resolve("a.dslog"));
      Files.copy(Samples.dslog(Samples.REV), app.inbox.resolve("b.dslog"));
      app.awaitFiles(2);
      long locked =
          app.files().stream()
              .filter(f -> f.name().equals("b.dslog"))
              .findFirst()
              .orElseThrow()
              .id();
      app.ledger().lock(locked, true); // delivered, then locked: its local copy must stay
      FileRow a =
          app.files().stream().filter(f -> f.name().equals("a.dslog")).findFirst().orElseThrow();
      Path landing = Path.of(a.landingPath());
      // within the retention time: kept
      assertThat(landing).exists();
      await(Duration.ofSeconds(20), "a's local copies deleted", () -> deletedLocally(app, a.id()));
      assertThat(landing).doesNotExist();
      assertThat(landing.resolveSibling("a.v1.csv")).doesNotExist();
      assertThat(app.archive.resolve("2022/03/01/a.dslog")).exists();
      assertThat(app.archive.resolve("2022/03/01/a.v1.csv")).exists();
      assertThat(app.inbox.resolve("a.dslog")).exists(); // the source is never touched
      Thread.sleep(1500);
      FileRow b = app.ledger().file(locked).orElseThrow();
      assertThat(Path.of(b.landingPath())).as("locked").exists();
      assertThat(deletedLocally(app, locked)).isFalse();
    }
  }

  @Test
  void notDeletedWhileARequiredDestinationIsUnverified() throws Exception {
    try (AppHarness app =
        app("PT0.5S")
            .set("caravan.destinations", "archive,sftp")
            .set("caravan.sftp.enabled", "true")
            .set("caravan.sftp.host", "127.0.0.1")
            .set("caravan.sftp.port", "1") // nothing listens there
            .set("caravan.sftp.password", "x")
            .set("caravan.sftp.strict-host-key-checking", "no")
            .set("caravan.sftp.timeout", "1000")
            .start()) {
      Files.copy(Samples.dslog(Samples.NONE), app.inbox.resolve("a.dslog"));
      await(
          Duration.ofSeconds(30),
          "archive verified, sftp failing",
          () ->
              app.deliveries().stream()
                      .anyMatch(
                          d ->
                              d.destination().equals("archive")
                                  && d.state() == DeliveryState.VERIFIED)
                  && app.deliveries().stream()
                      .anyMatch(
                          d ->
                              d.destination().equals("sftp") && d.state() == DeliveryState.FAILED));
      Thread.sleep(2000);
      FileRow a = app.files().get(0);
      assertThat(Path.of(a.landingPath())).exists();
      assertThat(deletedLocally(app, a.id())).isFalse();
    }
  }

  @Test
  void theFreshCheckCatchesACopyRemovedAtTheDestination() throws Exception {
    try (AppHarness app = app("PT2S").start()) {
      Files.copy(Samples.dslog(Samples.NONE), app.inbox.resolve("a.dslog"));
      app.awaitFiles(1);
      FileRow a = app.files().get(0);
      Path archived = app.archive.resolve("2022/03/01/a.v1.csv");
      Files.delete(archived); // gone before the retention time is up
      await(
          Duration.ofSeconds(20),
          "the check before deletion failed",
          () ->
              app.ledger().events(a.id()).stream()
                  .map(EventRow::event)
                  .anyMatch("retention-check-failed"::equals));
      // it is delivered again, and only then, verified and old enough, the local copy goes
      await(
          Duration.ofSeconds(30),
          "deleted after the copy is back",
          () -> deletedLocally(app, a.id()));
      assertThat(archived).exists();
    }
  }
}
