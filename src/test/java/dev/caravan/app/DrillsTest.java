package dev.caravan.app;

import static dev.caravan.app.AppHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.files.Sha256;
import dev.caravan.ledger.DeliveryRow;
import dev.caravan.ledger.DeliveryState;
import dev.caravan.ledger.FileRow;
import dev.caravan.ledger.FileState;
import dev.caravan.testing.Drill;
import dev.caravan.testing.FaultProxy;
import dev.caravan.testing.S3TestServer;
import dev.caravan.testing.SftpTestServer;
import dev.caravan.testing.SmallDisk;
import dev.caravan.testing.TestConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.camel.health.HealthCheck;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults a deployment meets, made for real: a destination's disk full (a tmpfs filled up), the SFTP
 * server down, the S3 store answering 503 and then slowly (a proxy in front of S3Proxy), the
 * landing disk full, the ledger's PostgreSQL stopped and started again. Each drill checks the error
 * class and health meanwhile, then that the backlog drains: every copy once, byte-equal, no
 * temporary file. Small sizes here; {@code bench/drills.sh} runs the same drills at full size.
 */
class DrillsTest {

  @TempDir Path tmp;

  private static List<Path> files(Path dir) throws Exception {
    if (!Files.exists(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).toList();
    }
  }

  /** A health check's result, asked now. */
  private static HealthCheck.Result health(AppHarness app, String id) {
    return org.apache.camel.health.HealthCheckRegistry.get(app.context())
        .getCheck(id)
        .orElseThrow()
        .call();
  }

  /**
   * A real DS log (a shipped sample) made distinct for each n below 65,536: the CPU bytes of two
   * records carry it, so a full-size drill has no two files with the same bytes.
   */
  static byte[] distinct(int n) {
    byte[] b =
        dev.caravan.testing.Samples.bytes(
            dev.caravan.testing.Samples.dslog(dev.caravan.testing.Samples.NONE));
    b[20 + 14 * 5 + 4] = (byte) n;
    b[20 + 14 * 6 + 4] = (byte) (n >> 8);
    return b;
  }

  private static void dropLogs(Path inbox, int n, int seed) throws Exception {
    for (int i = 0; i < n; i++) {
      Files.write(inbox.resolve("d" + i + ".dslog"), distinct(seed + i));
    }
  }

  /** Every artifact of every file once at each destination, byte for byte the ledger's. */
  private static void assertEachCopyOnce(
      AppHarness app, Map<String, Path> roots, int perDestination) throws Exception {
    List<DeliveryRow> d = app.deliveries();
    for (var root : roots.entrySet()) {
      List<DeliveryRow> here =
          d.stream().filter(x -> x.destination().equals(root.getKey())).toList();
      assertThat(here).as(root.getKey()).hasSize(perDestination);
      for (DeliveryRow x : here) {
        assertThat(x.state()).as(x.toString()).isEqualTo(DeliveryState.VERIFIED);
        assertThat(Sha256.of(root.getValue().resolve(x.remotePath())))
            .as(x.toString())
            .isEqualTo(x.sha256());
      }
      assertThat(files(root.getValue()))
          .as("%s: each file once, no temporary or duplicate copies", root.getKey())
          .hasSize(perDestination)
          .noneMatch(
              p -> p.toString().contains("(2)") || p.getFileName().toString().startsWith("."));
    }
  }

  /** The same for S3, read back from the store (not through the proxy). */
  private static void assertEachObjectOnce(
      AppHarness app, dev.caravan.deliver.S3Verifier admin, int perDestination) throws Exception {
    List<DeliveryRow> here =
        app.deliveries().stream().filter(x -> x.destination().equals("s3")).toList();
    assertThat(here).hasSize(perDestination).allMatch(x -> x.state() == DeliveryState.VERIFIED);
    for (DeliveryRow x : here) {
      byte[] bytes =
          admin.client().getObjectAsBytes(b -> b.bucket("logs").key(x.remotePath())).asByteArray();
      assertThat(
              java.util.HexFormat.of()
                  .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes)))
          .as(x.toString())
          .isEqualTo(x.sha256());
    }
    // every page of the listing: a page holds 1,000 keys at most
    assertThat(admin.client().listObjectsV2Paginator(b -> b.bucket("logs")).contents().stream())
        .as("S3: each file once")
        .hasSize(perDestination);
    assertThat(admin.client().listMultipartUploads(b -> b.bucket("logs")).uploads())
        .as("S3: no unfinished multipart upload")
        .isEmpty();
  }

  @Test
  void destinationsFailThenRecoverAndTheBacklogDrains() throws Exception {
    Assumptions.assumeTrue(SmallDisk.possible(), "needs root to mount a small file system");
    Drill drill = new Drill("destinations-fail");
    int n = Drill.size("files", 20);
    int outage = Drill.size("outage-seconds", 6);
    Path sftpRoot = Files.createDirectories(tmp.resolve("sftp-root"));
    Path archiveDisk = tmp.resolve("archive");
    try (S3TestServer s3 = new S3TestServer(Files.createDirectories(tmp.resolve("s3")));
        FaultProxy proxy = new FaultProxy(java.net.URI.create(s3.endpoint()).getPort());
        SmallDisk archive = SmallDisk.mount(archiveDisk, 4);
        var admin = s3.admin("logs")) {
      admin.client().createBucket(b -> b.bucket("logs")).sdkHttpResponse();
      SftpTestServer sftp = new SftpTestServer(sftpRoot, tmp.resolve("hostkey"), true);
      int sftpPort = sftp.port();
      Map<String, String> servers = new java.util.LinkedHashMap<>();
      servers.putAll(TestConfig.sftp("sftp", sftp, "upload"));
      servers.putAll(TestConfig.s3(proxy.endpoint(), "logs"));
      sftp.stop(); // down from the start
      proxy.mode(FaultProxy.Mode.FAIL);
      archive.fill(0);
      AppHarness app =
          new AppHarness(tmp, null)
              .set("caravan.destinations", "archive,sftp,s3")
              .setAll(servers)
              .set("caravan.sftp.timeout", "3000")
              .set("caravan.s3.timeout", "10000")
              // retries spaced to outlast the outage, as an operator sizes them
              .set("caravan.deliver.max-attempts", "40")
              .set("caravan.deliver.backoff", "200")
              .set("caravan.deliver.backoff-max", Integer.toString(Math.max(2000, outage * 200)))
              .set("caravan.metrics.refresh", "300")
              .set("caravan.watchdog.destination-quiet", "PT2S");
      try (app) {
        app.start();
        dropLogs(app.inbox, n, 10);
        Map<String, List<String>> expectedClasses =
            Map.of(
                "archive", List.of("no_space"),
                "sftp", List.of("connection"),
                "s3", List.of("throttle", "server"));
        await(
            Duration.ofSeconds(60),
            "each destination failing with its own error classes",
            () ->
                expectedClasses.entrySet().stream()
                    .allMatch(
                        e ->
                            e.getValue().stream()
                                .allMatch(
                                    cls ->
                                        app.deliveries().stream()
                                            .anyMatch(
                                                x ->
                                                    x.destination().equals(e.getKey())
                                                        && cls.equals(x.errorClass())))));
        await(
            Duration.ofSeconds(30),
            "the watchdog DOWN",
            () -> health(app, "watchdog").getState() == HealthCheck.State.DOWN);
        String message = health(app, "watchdog").getMessage().orElse("");
        assertThat(message).contains("archive").contains("sftp").contains("s3");
        drill.figure("files %d (%d copies per destination), outage %d s", n, 2 * n, outage);
        drill.figure("failing: %s; watchdog DOWN: %s", classes(app), message);
        while (drill.elapsed() < outage) {
          Thread.sleep(200);
        }
        assertThat(app.deliveries()).noneMatch(x -> x.state() == DeliveryState.VERIFIED);
        // recovery: the disk grows, the SFTP server comes back, the store answers slowly
        archive.free();
        archive.resize(64 + 3L * n);
        sftp = new SftpTestServer(sftpRoot, tmp.resolve("hostkey"), true, sftpPort);
        proxy.mode(FaultProxy.Mode.SLOW);
        double recovered = drill.elapsed();
        await(
            Duration.ofSeconds(120 + outage * 3L),
            "the backlog drained",
            () -> {
              if (drill.elapsed() - recovered > outage / 2.0) {
                proxy.mode(FaultProxy.Mode.PASS);
              }
              return app.deliveries().stream()
                      .filter(x -> x.state() == DeliveryState.VERIFIED)
                      .count()
                  == 3L * 2 * n;
            });
        drill.figure(
            "drained %.1f s after recovery; %d requests answered 503 or 500 meanwhile",
            drill.elapsed() - recovered, proxy.failed());
        assertEachCopyOnce(app, Map.of("archive", archiveDisk, "sftp", sftpRoot), 2 * n);
        assertEachObjectOnce(app, admin, 2 * n);
        await(
            Duration.ofSeconds(30),
            "the watchdog UP again",
            () -> health(app, "watchdog").getState() == HealthCheck.State.UP);
      } finally {
        sftp.stop();
      }
    }
  }

  private static String classes(AppHarness app) {
    Map<String, String> byDestination = new TreeMap<>();
    app.deliveries().stream()
        .filter(x -> x.errorClass() != null)
        .collect(Collectors.groupingBy(DeliveryRow::destination))
        .forEach(
            (dest, rows) ->
                byDestination.put(
                    dest,
                    rows.stream()
                        .map(DeliveryRow::errorClass)
                        .distinct()
                        .sorted()
                        .collect(Collectors.joining("/"))));
    return byDestination.toString();
  }

  @Test
  void aFullLandingDiskPausesIntakeUntilSpaceReturns() throws Exception {
    Assumptions.assumeTrue(SmallDisk.possible(), "needs root to mount a small file system");
    Drill drill = new Drill("landing-full");
    int n = Drill.size("files", 20);
    Path landing = tmp.resolve("data/landing");
    try (SmallDisk disk = SmallDisk.mount(landing, 8)) {
      disk.fill(1024 * 1024); // 1 MiB left, below the 4 MiB reserve
      AppHarness app =
          new AppHarness(tmp, null)
              .set("caravan.destinations", "archive")
              .set("caravan.intake.min-free-space", "4MB");
      try (app) {
        app.start();
        dropLogs(app.inbox, n, 300);
        await(
            Duration.ofSeconds(30),
            "intake DOWN",
            () -> health(app, "intake-polls").getState() == HealthCheck.State.DOWN);
        String message = health(app, "intake-polls").getMessage().orElse("");
        assertThat(message)
            .contains(landing.toString())
            .contains("below caravan.intake.min-free-space")
            .contains("intake paused");
        drill.figure("files %d; while full: %s", n, message);
        Thread.sleep(1500); // several polls
        assertThat(app.files()).as("nothing claimed while landing is full").isEmpty();
        assertThat(files(landing))
            .extracting(p -> p.getFileName().toString())
            .containsOnly("filler");

        double freed = drill.elapsed();
        disk.free();
        disk.resize(64 + 3L * n);
        app.awaitFilesWithin(n, Duration.ofSeconds(60 + n / 10));
        await(
            Duration.ofSeconds(30),
            "intake UP again",
            () -> health(app, "intake-polls").getState() == HealthCheck.State.UP);
        drill.figure(
            "all %d taken and archived %.1f s after space returned", n, drill.elapsed() - freed);
        assertThat(app.files()).allMatch(f -> f.state() == FileState.DONE);
        for (FileRow f : app.files()) {
          assertThat(Sha256.of(Path.of(f.landingPath()))).isEqualTo(f.sha256());
        }
        assertEachCopyOnce(app, Map.of("archive", app.archive), 2 * n);
      }
    }
  }

  /**
   * Space that runs out in the middle of a copy (a file bigger than the reserve): the partial copy
   * is deleted, the file released with the cause and never recorded as landed, taken again once
   * there is room.
   */
  @Test
  void aCopyCutByAFullDiskIsNeverRecordedAsLanded() throws Exception {
    Assumptions.assumeTrue(SmallDisk.possible(), "needs root to mount a small file system");
    Path landing = tmp.resolve("data/landing");
    try (SmallDisk disk = SmallDisk.mount(landing, 8)) {
      AppHarness app =
          new AppHarness(tmp, null)
              .set("caravan.destinations", "archive")
              .set("caravan.intake.min-free-space", "0");
      try (app) {
        app.start();
        disk.fill(256 * 1024);
        byte[] big = new byte[2 * 1024 * 1024];
        new java.util.Random(3).nextBytes(big);
        Files.write(app.inbox.resolve("big.bin"), big);
        await(
            Duration.ofSeconds(30),
            "the copy failed for want of space",
            () ->
                app.files().stream()
                    .anyMatch(
                        f ->
                            f.state() == FileState.RETRY
                                && String.valueOf(f.error()).contains("No space left")));
        FileRow row = app.files().get(0);
        assertThat(row.landingPath()).as("never recorded as landed").isNull();
        assertThat(files(landing))
            .extracting(p -> p.getFileName().toString())
            .containsOnly("filler");
        disk.free();
        app.awaitFiles(1);
        assertThat(app.files().get(0).state()).isEqualTo(FileState.DONE);
        assertThat(Sha256.of(Path.of(app.files().get(0).landingPath())))
            .isEqualTo(
                java.util.HexFormat.of()
                    .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(big)));
        assertThat(app.ledger().events(row.id()))
            .anyMatch(e -> e.toString().contains("No space left"));
      }
    }
  }

  @Test
  void theLedgerDatabaseStopsAndComesBack() throws Exception {
    Drill drill = new Drill("ledger-restart");
    int n = Drill.size("files", 30);
    int down = Drill.size("db-down-seconds", 5);
    Path pgData = tmp.resolve("pg");
    int port;
    try (var socket = new java.net.ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    EmbeddedPostgres pg = postgres(pgData, port);
    try {
      String url = pg.getJdbcUrl("postgres", "postgres").replace("localhost", "127.0.0.1");
      AppHarness app =
          new AppHarness(tmp, url)
              .set("caravan.db.user", "postgres")
              .set("caravan.destinations", "archive");
      try (app) {
        app.start();
        dropLogs(app.inbox, n, 500);
        await(
            Duration.ofSeconds(60),
            "a few files done",
            () -> app.files().stream().filter(f -> f.state() == FileState.DONE).count() >= 3);
        pg.close(); // the database goes away mid-run
        double stopped = drill.elapsed();
        Thread.sleep(down * 1000L);
        pg = postgres(pgData, port);
        double back = drill.elapsed();
        drill.figure("files %d; PostgreSQL down %.1f s mid-run", n, back - stopped);
        app.awaitFilesWithin(n, Duration.ofSeconds(120 + n / 5));
        drill.figure(
            "all done %.1f s after it came back, without a restart", drill.elapsed() - back);
        assertThat(app.files()).allMatch(f -> f.state() == FileState.DONE);
        assertEachCopyOnce(app, Map.of("archive", app.archive), 2 * n);
      }
    } finally {
      pg.close();
    }
  }

  /** What the kill drill delivers of each log: the raw file, its CSV and its Parquet. */
  private static final int ARTIFACTS = 3;

  /**
   * kill -9 at random moments while files come from the inbox and Drive, are decoded, fanned out to
   * the archive, SFTP and S3 and their local copies deleted by retention, the ledger on PostgreSQL:
   * at the end every file at every destination once, byte-equal, no temporary file, every local
   * copy gone, and {@code caravan check} finds every verified copy good.
   */
  @Test
  void killedAtRandomMomentsEveryFileEndsUpEverywhereOnce() throws Exception {
    Drill drill = new Drill("kill-9");
    int n = Drill.size("files", 24);
    int kills = Drill.size("kills", 4);
    int fromDrive = n / 3;
    Path inbox = Files.createDirectories(tmp.resolve("inbox"));
    for (int i = 0; i < n - fromDrive; i++) {
      Files.write(inbox.resolve("k" + i + ".dslog"), distinct(i));
    }
    Path sftpRoot = Files.createDirectories(tmp.resolve("sftp-root"));
    Path log = tmp.resolve("app.log");
    try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
        SftpTestServer sftp = new SftpTestServer(sftpRoot, tmp.resolve("hostkey"), false);
        S3TestServer s3 = new S3TestServer(Files.createDirectories(tmp.resolve("s3")));
        var admin = s3.admin("logs");
        dev.caravan.testing.FakeDrive drive = new dev.caravan.testing.FakeDrive()) {
      admin.client().createBucket(b -> b.bucket("logs"));
      var folder = drive.folder("Robot logs", null);
      for (int i = 0; i < fromDrive; i++) {
        drive.file("g" + i + ".dslog", folder.id, distinct(n + i));
      }
      String url = pg.getJdbcUrl("postgres", "postgres").replace("localhost", "127.0.0.1");
      Map<String, String> config = new TreeMap<>();
      config.put("caravan.db.url", url);
      config.put("caravan.db.user", "postgres");
      config.put("caravan.archive", tmp.resolve("archive").toString());
      config.put("caravan.data", tmp.resolve("data").toString());
      config.put("caravan.destinations", "archive,sftp,s3");
      config.putAll(TestConfig.sftp("sftp", sftp, "upload"));
      config.putAll(TestConfig.s3(s3.endpoint(), "logs"));
      config.putAll(TestConfig.drive(drive, tmp.resolve("key.json")));
      // the raw log, its CSV and its Parquet: a kill may cut any of them being written
      config.put("caravan.parquet.enabled", "true");
      config.put("caravan.retention.enabled", "true");
      config.put("caravan.retention.delete-local-after", "PT0S");
      config.put("caravan.retention.interval", "500");
      Map<String, String> env = TestConfig.env(config);
      java.util.Random random = new java.util.Random(Long.getLong("caravan.drill.seed", 19));
      try (dev.caravan.ledger.Ledger ledger = dev.caravan.ledger.Ledger.open(url, "postgres", "")) {
        for (int k = 0; k < kills; k++) {
          Kill target = Kill.values()[k % Kill.values().length];
          String before = progress(ledger);
          long deletedBefore = deleted(ledger.files());
          Process app = dev.caravan.testing.ChildApp.start(tmp, log, env);
          // once it is at work (it leads, after the killed one's lease ran out), the moment the
          // kill
          // aims at: any moment, a file in the middle of landing and decoding, or retention
          // deleting
          long end = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
          boolean working = false;
          boolean seen = false;
          while (!seen && System.nanoTime() < end) {
            // at work first: the killed run's RECEIVED rows are given back at the start
            working = working || !progress(ledger).equals(before);
            seen =
                working
                    && switch (target) {
                      case ANY -> true;
                      case DECODING ->
                          ledger.files().stream().anyMatch(f -> f.state() == FileState.RECEIVED);
                      case RETENTION -> deleted(ledger.files()) > deletedBefore;
                    };
            Thread.sleep(20);
          }
          if (target == Kill.ANY) {
            // spread so that these kills fall across the whole run (about 0.1 s of work per file)
            Thread.sleep(random.nextInt(Math.max(1500, 200 * n / kills)));
          }
          app.destroyForcibly(); // kill -9
          app.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
          drill.figure(
              "kill %d at %.1f s, aimed at %s%s: %s",
              k + 1,
              drill.elapsed(),
              target.name().toLowerCase(java.util.Locale.ROOT),
              seen ? "" : " (not seen in 60 s)",
              progress(ledger));
        }
        Process app = dev.caravan.testing.ChildApp.start(tmp, log, env);
        try {
          await(
              Duration.ofSeconds(120 + n),
              "every file everywhere, local copies deleted",
              () -> {
                List<FileRow> rows = ledger.files();
                return rows.size() == n
                    && rows.stream().allMatch(f -> f.state() == FileState.DONE)
                    && ledger.deliveries().stream()
                            .filter(x -> x.state() == DeliveryState.VERIFIED)
                            .count()
                        == 3L * ARTIFACTS * n
                    && filesQuietly(tmp.resolve("data/landing")).isEmpty();
              });
        } finally {
          app.destroy();
          app.waitFor(60, java.util.concurrent.TimeUnit.SECONDS);
          app.destroyForcibly();
          // the app's own log beside the figures, to see what each kill cut
          Files.copy(
              log,
              Files.createDirectories(Path.of("target", "drills")).resolve("kill-9-app.log"),
              java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        drill.figure(
            "files %d (%d from Drive), %d kills: all done at %.1f s; %s",
            n, fromDrive, kills, drill.elapsed(), progress(ledger));
        List<DeliveryRow> d = ledger.deliveries();
        assertThat(d).hasSize(3 * ARTIFACTS * n).allMatch(x -> x.state() == DeliveryState.VERIFIED);
        for (DeliveryRow x : d) {
          if (!x.destination().equals("s3")) {
            Path root = x.destination().equals("sftp") ? sftpRoot : tmp.resolve("archive");
            assertThat(Sha256.of(root.resolve(x.remotePath())))
                .as(x.toString())
                .isEqualTo(x.sha256());
          }
        }
      }
      for (Path dir : List.of(tmp.resolve("archive"), sftpRoot.resolve("upload"))) {
        assertThat(files(dir))
            .as("%s: each file once, no temporary or duplicate copies", dir)
            .hasSize(ARTIFACTS * n)
            .noneMatch(
                p -> p.toString().contains("(2)") || p.getFileName().toString().startsWith("."));
      }
      assertThat(files(tmp.resolve("data")))
          .as("no temporary file left in data/")
          .noneMatch(p -> p.getFileName().toString().endsWith(".tmp"));
      assertThat(admin.client().listObjectsV2Paginator(b -> b.bucket("logs")).contents().stream())
          .as("S3: each file once (every page of the listing)")
          .hasSize(ARTIFACTS * n);
      assertThat(admin.client().listMultipartUploads(b -> b.bucket("logs")).uploads()).isEmpty();
      Path properties = tmp.resolve("check.properties");
      Files.writeString(properties, TestConfig.properties(config));
      String check = dev.caravan.testing.Cli.run(0, "check", "--config", properties.toString());
      assertThat(check).contains(3 * ARTIFACTS * n + " verified copies checked, 0 bad");
      drill.figure("caravan check: %s", check.strip().lines().reduce((a, b) -> b).orElse(""));
    }
  }

  private static List<Path> filesQuietly(Path dir) {
    try {
      return files(dir);
    } catch (Exception e) {
      return List.of(dir); // being changed under us: not empty
    }
  }

  /** What the ledger shows at a kill: which phases were under way. */
  /** What a kill of the drill aims at. */
  private enum Kill {
    ANY,
    DECODING,
    RETENTION
  }

  /** Files whose local copies are gone (retention deleted them). */
  private static long deleted(List<FileRow> rows) {
    return rows.stream()
        .filter(f -> f.landingPath() != null && !Files.exists(Path.of(f.landingPath())))
        .count();
  }

  private static String progress(dev.caravan.ledger.Ledger ledger) {
    List<FileRow> rows = ledger.files();
    Map<FileState, Long> states =
        new TreeMap<>(
            rows.stream().collect(Collectors.groupingBy(FileRow::state, Collectors.counting())));
    long drive = rows.stream().filter(f -> f.source().equals("drive")).count();
    long verified =
        ledger.deliveries().stream().filter(x -> x.state() == DeliveryState.VERIFIED).count();
    long deleted = deleted(rows);
    return String.format(
        java.util.Locale.ROOT,
        "files %s (%d from Drive), %d copies verified, %d local copies deleted",
        states,
        drive,
        verified,
        deleted);
  }

  private static EmbeddedPostgres postgres(Path data, int port) throws Exception {
    return EmbeddedPostgres.builder()
        .setDataDirectory(data)
        .setCleanDataDirectory(false)
        .setPort(port)
        .start();
  }
}
