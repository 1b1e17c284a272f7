package dev.caravan.app;

import static dev.caravan.app.AppHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.csv.DslogCsvWriter;
import dev.caravan.files.Sha256;
import dev.caravan.ledger.DeliveryRow;
import dev.caravan.ledger.DeliveryState;
import dev.caravan.ledger.FileRow;
import dev.caravan.ledger.FileState;
import dev.caravan.testing.FakeDrive;
import dev.caravan.testing.Samples;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.apache.camel.health.HealthCheck;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Drive route in the real application: the real Google client, the fake Drive, the ledger. */
class DriveRouteTest {

  @TempDir Path tmp;
  FakeDrive fake;
  FakeDrive.Item root;

  @BeforeEach
  void start() throws Exception {
    fake = new FakeDrive();
    root = fake.folder("Robot logs", null);
  }

  @AfterEach
  void stop() {
    fake.close();
  }

  AppHarness app() throws Exception {
    return new AppHarness(tmp, null)
        .set("caravan.drive.enabled", "true")
        .set("caravan.drive.root-url", fake.rootUrl())
        .set("caravan.drive.folder-name", "Robot logs")
        .set(
            "caravan.drive.service-account-key",
            fake.serviceAccountKey(tmp.resolve("key.json")).toString())
        .set("caravan.drive.poll-interval", "200")
        .set("caravan.drive.min-age", "PT1M")
        .set("caravan.drive.backoff", "10")
        .set("caravan.drive.backoff-max", "50");
  }

  static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  @Test
  void theSamplesOnDriveArriveDecodedAndVerifiedInTheArchive() throws Exception {
    FakeDrive.Item events = fake.folder("events", root.id);
    for (String s : Samples.DSLOGS) {
      fake.file(s + ".dslog", root.id, Samples.bytes(Samples.dslog(s)));
    }
    for (String s : Samples.DSEVENTS) {
      fake.file(s + ".dsevents", events.id, Samples.bytes(Samples.dsevents(s)));
    }
    try (AppHarness app = app().start()) {
      app.awaitFiles(6);
      assertThat(app.files()).extracting(FileRow::source).containsOnly("drive");
      assertThat(app.files()).extracting(FileRow::state).containsOnly(FileState.DONE);
      Path day = app.archive.resolve("2022/02/26");
      assertThat(Sha256.of(day.resolve(Samples.CTRE + ".dslog")))
          .isEqualTo(Sha256.of(Samples.dslog(Samples.CTRE)));
      assertThat(
              RouteAppContract.csvRows(
                  day.resolve(Samples.CTRE + ".v1.csv"), DslogCsvWriter.COLUMNS))
          .isEqualTo(12738);
      List<DeliveryRow> d = app.deliveries();
      assertThat(d).hasSize(12); // 6 raw, 4 CSV, 2 events CSV
      assertThat(d).allSatisfy(r -> assertThat(r.state()).isEqualTo(DeliveryState.VERIFIED));
      for (DeliveryRow r : d) {
        assertThat(Sha256.of(app.archive.resolve(r.remotePath()))).isEqualTo(r.sha256());
      }
      assertThat(health(app).getState()).isEqualTo(HealthCheck.State.UP);
    }
  }

  @Test
  void everyFileOfAPagedTreeIsTakenExactlyOnceAcrossARestart() throws Exception {
    Map<String, byte[]> expected = new HashMap<>(); // drive id -> content
    Random random = new Random(42);
    FakeDrive.Item[] folders = {root, fake.folder("a", root.id), fake.folder("b", root.id)};
    folders =
        new FakeDrive.Item[] {folders[0], folders[1], folders[2], fake.folder("c", folders[1].id)};
    for (int i = 0; i < 260; i++) {
      byte[] b = new byte[1000 + random.nextInt(2000)];
      random.nextBytes(b);
      // names repeat in a folder: every file is its own, whatever its name
      FakeDrive.Item f = fake.file("log" + (i % 40) + ".bin", folders[i % 4].id, b);
      expected.put(f.id, b);
    }
    byte[] twice = "the same bytes under two ids".getBytes();
    FakeDrive.Item first = fake.file("twice.bin", root.id, twice);
    FakeDrive.Item second = fake.file("twice-copy.bin", folders[2].id, twice);
    fake.file("gone.bin", root.id, new byte[] {1, 2, 3}).trashed = true;
    fake.file("readme.txt", root.id, new byte[] {4, 5, 6});
    int pagesize = 25;

    AppHarness app =
        app()
            .set("caravan.drive.include", ".*\\.bin")
            .set("caravan.drive.page-size", Integer.toString(pagesize));
    app.start();
    try {
      await(Duration.ofSeconds(60), "some files taken", () -> app.files().size() >= 40);
    } finally {
      app.stop(); // in the middle
    }
    AppHarness again =
        app()
            .set("caravan.drive.include", ".*\\.bin")
            .set("caravan.drive.page-size", Integer.toString(pagesize));
    try (AppHarness running = again.start()) {
      running.awaitFiles(262);
      List<FileRow> files = running.files();
      // each Drive file once, with its own content; the second copy of the same bytes a duplicate
      Map<String, List<FileRow>> byDriveId =
          files.stream().collect(Collectors.groupingBy(f -> f.sourcePath().split(":")[0]));
      assertThat(byDriveId).hasSize(262);
      assertThat(byDriveId.values()).allSatisfy(rows -> assertThat(rows).hasSize(1));
      for (var e : expected.entrySet()) {
        assertThat(byDriveId.get(e.getKey()).get(0).sha256()).isEqualTo(sha256(e.getValue()));
      }
      assertThat(files.stream().filter(f -> f.state() == FileState.DUPLICATE).count()).isEqualTo(1);
      assertThat(byDriveId.get(first.id).get(0).sha256())
          .isEqualTo(byDriveId.get(second.id).get(0).sha256());
      assertThat(files)
          .noneMatch(f -> f.name().equals("gone.bin") || f.name().equals("readme.txt"));
      // every listing asked for untrashed files, page by page
      assertThat(fake.requests().stream().filter(r -> r.query().containsKey("pageToken")))
          .isNotEmpty();
      // nothing half-downloaded left in landing
      try (var walk = Files.walk(running.data.resolve("landing"))) {
        assertThat(walk.filter(p -> p.getFileName().toString().endsWith(".tmp"))).isEmpty();
      }
    }
  }

  @Test
  void aNewVersionOfATakenFileIsTakenAgainAndDriveIsNeverChanged() throws Exception {
    byte[] v1 = Samples.bytes(Samples.dslog(Samples.NONE));
    FakeDrive.Item f = fake.file("match.dslog", root.id, v1);
    try (AppHarness app = app().set("caravan.drive.min-age", "PT0S").start()) {
      app.awaitFiles(1);
      byte[] v2 = RouteAppContract.variant(9);
      fake.update(f, v2); // re-uploaded with other content: a new version, same id and name
      app.awaitFiles(2);
      List<FileRow> files = app.files();
      assertThat(files)
          .extracting(FileRow::sourcePath)
          .containsExactly(f.id + ":" + FakeDrive.md5(v1), f.id + ":" + f.md5());
      assertThat(files).extracting(FileRow::sha256).containsExactly(sha256(v1), sha256(v2));
      assertThat(files).extracting(FileRow::state).containsOnly(FileState.DONE);
      // the first version's copy in the archive is kept; the second lands beside it
      assertThat(app.deliveries().stream().filter(d -> d.artifact().equals("raw")))
          .extracting(DeliveryRow::remotePath)
          .containsExactly("2022/03/01/match.dslog", "2022/03/01/match (2).dslog");
    }
    // read-only: Caravan only ever GETs from Drive (and POSTs to the token endpoint)
    assertThat(fake.requests())
        .allSatisfy(
            r ->
                assertThat(r.method() + " " + r.path())
                    .matches("GET /(download/)?drive/v3/files.*|POST /token"));
  }

  @Test
  void aSpentDailyQuotaStopsOnlyTheDriveRoute() throws Exception {
    fake.file("a.dslog", root.id, Samples.bytes(Samples.dslog(Samples.NONE)));
    fake.fail(FakeDrive.listing(), 403, "dailyLimitExceeded", null, 1);
    try (AppHarness app = app().start()) {
      await(
          Duration.ofSeconds(20),
          "the Drive health check DOWN",
          () -> {
            System.err.println(
                "HEALTH "
                    + health(app).getState()
                    + " "
                    + health(app).getMessage()
                    + " "
                    + health(app).getDetails());
            return health(app).getState() == HealthCheck.State.DOWN;
          });
      assertThat(health(app).getMessage()).get().asString().contains("dailyLimitExceeded");
      // the local intake runs on
      Files.copy(Samples.dslog(Samples.REV), app.inbox.resolve("local.dslog"));
      app.awaitFiles(1);
      assertThat(app.files()).extracting(FileRow::source).containsExactly("local");
      assertThat(health(app).getState()).isEqualTo(HealthCheck.State.DOWN);
    }
  }

  @Test
  void aBadCredentialStopsTheStartWithAClearMessage() throws Exception {
    Path bad = Files.writeString(tmp.resolve("broken.json"), "{ not json");
    AppHarness app = app().set("caravan.drive.service-account-key", bad.toString());
    Throwable failure = null;
    try {
      app.start();
    } catch (Exception e) {
      failure = e;
    } finally {
      app.stop();
    }
    assertThat(failure).isNotNull();
    Throwable root = failure;
    while (root.getCause() != null && !(root instanceof IllegalStateException)) {
      root = root.getCause();
    }
    assertThat(root.getMessage()).contains("broken.json").contains("service account");
  }

  /** The drive-intake check, as Camel's health registry holds and runs it. */
  static HealthCheck.Result health(AppHarness app) {
    return org.apache.camel.health.HealthCheckRegistry.get(app.context())
        .getCheck("drive-intake")
        .orElseThrow()
        .call(java.util.Map.of());
  }
}
