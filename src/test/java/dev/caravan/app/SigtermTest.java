package dev.caravan.app;

import static dev.caravan.app.AppHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.ledger.DeliveryRow;
import dev.caravan.ledger.DeliveryState;
import dev.caravan.ledger.FileRow;
import dev.caravan.ledger.FileState;
import dev.caravan.ledger.Ledger;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The application as its own process, stopped with SIGTERM in the middle of a batch and started
 * again: nothing half-written anywhere, every file delivered exactly once. The ledger is read
 * through H2's auto-server while the app holds it, as {@code caravan ledger} does.
 */
class SigtermTest {

  // not @TempDir: the child JVM may still be releasing its files for a moment after it exits
  @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.NEVER)
  Path tmp;

  private Process start(Path log) throws Exception {
    return start(log, java.util.Map.of());
  }

  private Process start(Path log, java.util.Map<String, String> env) throws Exception {
    return dev.caravan.testing.ChildApp.start(tmp, log, env);
  }

  @Test
  void killedRepeatedlyMidDeliveryEverythingEndsUpEverywhereExactlyOnce() throws Exception {
    int logs = 40;
    int large = 2; // over the part size: multipart puts to S3, cut by the kills
    int n = logs + large;
    int perDestination = 2 * logs + large; // raw + CSV of each log, the large files raw
    Path inbox = Files.createDirectories(tmp.resolve("inbox"));
    for (int i = 0; i < logs; i++) {
      Files.write(inbox.resolve("k" + i + ".dslog"), RouteAppContract.variant(50 + i));
    }
    java.util.Random bytes = new java.util.Random(7);
    for (int i = 0; i < large; i++) {
      byte[] b = new byte[12 * 1024 * 1024 + 777];
      bytes.nextBytes(b);
      Files.write(inbox.resolve("big" + i + ".bin"), b);
    }
    Path sftpRoot = Files.createDirectories(tmp.resolve("sftp-root"));
    Path log = tmp.resolve("app.log");
    String url = Ledger.url(null, tmp.resolve("data"));
    try (dev.caravan.testing.SftpTestServer sftp =
            new dev.caravan.testing.SftpTestServer(sftpRoot, tmp.resolve("hostkey"), true);
        dev.caravan.testing.S3TestServer s3 =
            new dev.caravan.testing.S3TestServer(Files.createDirectories(tmp.resolve("s3")))) {
      dev.caravan.deliver.S3Verifier admin =
          new dev.caravan.deliver.S3Verifier(
              new dev.caravan.deliver.S3Verifier.Store(
                  s3.endpoint(),
                  "us-east-1",
                  "logs",
                  true,
                  dev.caravan.testing.S3TestServer.ACCESS_KEY,
                  dev.caravan.testing.S3TestServer.SECRET_KEY,
                  30_000));
      admin
          .client()
          .createBucket(
              software.amazon.awssdk.services.s3.model.CreateBucketRequest.builder()
                  .bucket("logs")
                  .build());
      java.util.Map<String, String> env = new java.util.HashMap<>();
      env.putAll(
          java.util.Map.of(
              "CARAVAN_S3_ENABLED", "true",
              "CARAVAN_S3_ENDPOINT", s3.endpoint(),
              "CARAVAN_S3_BUCKET", "logs",
              "CARAVAN_S3_PATH_STYLE", "true",
              "CARAVAN_S3_ACCESS_KEY", dev.caravan.testing.S3TestServer.ACCESS_KEY,
              "CARAVAN_S3_SECRET_KEY", dev.caravan.testing.S3TestServer.SECRET_KEY,
              "CARAVAN_S3_PART_SIZE", "5242880",
              "CARAVAN_S3_UPLOAD_CUTOFF", "5242880"));
      env.putAll(
          java.util.Map.of(
              "CARAVAN_DESTINATIONS", "archive,sftp,s3",
              "CARAVAN_SFTP_ENABLED", "true",
              "CARAVAN_SFTP_HOST", "127.0.0.1",
              "CARAVAN_SFTP_PORT", Integer.toString(sftp.port()),
              "CARAVAN_SFTP_USER", dev.caravan.testing.SftpTestServer.USER,
              "CARAVAN_SFTP_PASSWORD", dev.caravan.testing.SftpTestServer.PASSWORD,
              "CARAVAN_SFTP_STRICT_HOST_KEY_CHECKING", "no",
              "CARAVAN_SFTP_BASE", "upload"));
      java.util.Random random = new java.util.Random(42);
      for (int round = 0; round < 3; round++) {
        Process app = start(log, env);
        Thread.sleep(2500 + random.nextInt(1500));
        app.destroyForcibly(); // kill -9: no shutdown hook, whatever was in flight is cut
        app.waitFor(30, TimeUnit.SECONDS);
      }
      Process app = start(log, env);
      try {
        try (Ledger ledger = openLedgerOfRunningApp(url)) {
          await(
              Duration.ofSeconds(120),
              "every file everywhere",
              () ->
                  ledger.files().size() == n
                      && ledger.files().stream().allMatch(f -> f.state() == FileState.DONE)
                      && ledger.deliveries().stream()
                              .filter(x -> x.state() == DeliveryState.VERIFIED)
                              .count()
                          == 3L * perDestination);
          assertThat(ledger.deliveries()).hasSize(3 * perDestination);
        }
      } finally {
        app.destroy();
        app.waitFor(60, TimeUnit.SECONDS);
        app.destroyForcibly();
      }
      for (Path dir : List.of(tmp.resolve("archive"), sftpRoot.resolve("upload"))) {
        assertThat(files(dir))
            .as("%s: each file once, no temporary or duplicate copies", dir)
            .hasSize(perDestination)
            .noneMatch(
                p -> p.toString().contains("(2)") || p.getFileName().toString().startsWith("."));
      }
      assertThat(files(tmp.resolve("data/landing")))
          .noneMatch(p -> p.getFileName().toString().startsWith("."));
      var objects =
          admin
              .client()
              .listObjectsV2(
                  software.amazon.awssdk.services.s3.model.ListObjectsV2Request.builder()
                      .bucket("logs")
                      .build())
              .contents();
      assertThat(objects)
          .as("S3: each file once")
          .hasSize(perDestination)
          .noneMatch(o -> o.key().contains("(2)"));
      assertThat(
              admin
                  .client()
                  .listMultipartUploads(
                      software.amazon.awssdk.services.s3.model.ListMultipartUploadsRequest.builder()
                          .bucket("logs")
                          .build())
                  .uploads())
          .as("S3: no unfinished multipart upload left")
          .isEmpty();
      admin.close();
    }
    deleteQuietly(tmp);
  }

  /** The child app's ledger, through H2's auto-server, once the app holds it. */
  private Ledger openLedgerOfRunningApp(String url) throws Exception {
    await(
        Duration.ofSeconds(60),
        "the ledger exists",
        () -> Files.exists(tmp.resolve("data/ledger.mv.db")));
    // the app may be taking the database over from an earlier run's lock: retry for a while
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try {
        return Ledger.open(url, "sa", "");
      } catch (RuntimeException e) {
        if (System.nanoTime() > end) {
          throw e;
        }
        Thread.sleep(500);
      }
    }
  }

  private static List<Path> files(Path dir) throws Exception {
    if (!Files.exists(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).toList();
    }
  }

  @Test
  void sigtermMidBatchThenRestartDeliversEverythingExactlyOnce() throws Exception {
    int n = 60;
    Path inbox = Files.createDirectories(tmp.resolve("inbox"));
    for (int i = 0; i < n; i++) {
      Files.write(inbox.resolve("f" + i + ".dslog"), RouteAppContract.variant(100 + i));
    }
    Path log = tmp.resolve("app.log");
    String url = Ledger.url(null, tmp.resolve("data"));
    Process app = start(log);
    try {
      try (Ledger ledger = openLedgerOfRunningApp(url)) {
        await(
            Duration.ofSeconds(60),
            "a few files done",
            () -> ledger.files().stream().filter(f -> f.state() == FileState.DONE).count() >= 3);
      }
      app.destroy(); // SIGTERM
      assertThat(app.waitFor(60, TimeUnit.SECONDS))
          .as("stopped within the shutdown timeout")
          .isTrue();
    } finally {
      app.destroyForcibly();
    }
    assertThat(Files.readString(log))
        .contains("SIGTERM: stopping gracefully")
        .containsPattern("Apache Camel .* \\(caravan\\) shutdown in")
        // the ledger stays open until the routes have stopped: what was in flight is recorded,
        // and the leader's lease handed over (H2 used to close itself at the SIGTERM)
        .doesNotContain("Database is already closed")
        .doesNotContain("could not let go");
    // nothing half-written: no temp names left in the archive or in landing
    assertThat(files(tmp.resolve("archive")))
        .noneMatch(p -> p.getFileName().toString().startsWith("."));
    assertThat(files(tmp.resolve("data/landing")))
        .noneMatch(p -> p.getFileName().toString().startsWith("."));

    Process again = start(log);
    try {
      Thread.sleep(1000);
      try (Ledger ledger = Ledger.open(url, "sa", "")) {
        await(
            Duration.ofSeconds(90),
            "all files done after the restart",
            () -> {
              List<FileRow> rows = ledger.files();
              return rows.size() == n
                  && rows.stream().allMatch(f -> f.state() == FileState.DONE)
                  && ledger.deliveries().stream()
                          .filter(x -> x.state() == DeliveryState.VERIFIED)
                          .count()
                      == 2L * n;
            });
        List<DeliveryRow> d = ledger.deliveries();
        assertThat(d).hasSize(2 * n).allMatch(x -> x.state() == DeliveryState.VERIFIED);
      }
    } finally {
      again.destroy();
      again.waitFor(60, TimeUnit.SECONDS);
      again.destroyForcibly();
    }
    List<Path> archived = files(tmp.resolve("archive"));
    assertThat(archived)
        .hasSize(2 * n)
        .noneMatch(p -> p.toString().contains("(2)") || p.getFileName().toString().startsWith("."));
    assertThat(new File(tmp.toFile(), "inbox").list()).hasSize(n); // noop: the inbox is untouched
    deleteQuietly(tmp);
  }

  private static void deleteQuietly(Path dir) throws Exception {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (java.io.IOException e) {
      // a temp folder left behind is harmless
    }
  }
}
