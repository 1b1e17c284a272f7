package dev.caravan.app;

import static dev.caravan.app.AppHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.deliver.SftpVerifier;
import dev.caravan.files.Sha256;
import dev.caravan.ledger.DeliveryRow;
import dev.caravan.ledger.DeliveryState;
import dev.caravan.testing.Samples;
import dev.caravan.testing.SftpTestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Fan-out to the archive and a real SFTP server (MINA SSHD), verified by reading back. */
class SftpDeliveryTest {

  @TempDir Path tmp;

  private AppHarness app(int port, String password) throws Exception {
    return new AppHarness(tmp, null)
        .set("caravan.destinations", "archive,sftp")
        .set("caravan.sftp.enabled", "true")
        .set("caravan.sftp.host", "127.0.0.1")
        .set("caravan.sftp.port", Integer.toString(port))
        .set("caravan.sftp.user", SftpTestServer.USER)
        .set("caravan.sftp.password", password)
        .set("caravan.sftp.strict-host-key-checking", "no")
        .set("caravan.sftp.base", "upload")
        .set("caravan.sftp.timeout", "5000");
  }

  private static List<Path> files(Path dir) throws Exception {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).sorted().toList();
    }
  }

  @ParameterizedTest(name = "shell={0}")
  @ValueSource(booleans = {true, false})
  void everyArtifactReachesBothDestinationsVerified(boolean shell) throws Exception {
    Path root = Files.createDirectories(tmp.resolve("sftp-root"));
    try (SftpTestServer server = new SftpTestServer(root, tmp.resolve("hostkey"), shell);
        AppHarness app = app(server.port(), SftpTestServer.PASSWORD).start()) {
      for (Path sample : Files.list(Samples.LOGS).toList()) {
        Files.copy(sample, app.inbox.resolve(sample.getFileName()));
      }
      app.awaitFiles(6);
      List<DeliveryRow> d = app.deliveries();
      assertThat(d)
          .hasSize(24)
          .allMatch(x -> x.state() == DeliveryState.VERIFIED && x.attempts() == 1);
      assertThat(d.stream().filter(x -> x.destination().equals("sftp")))
          .hasSize(12)
          .allMatch(
              x ->
                  x.verifyMethod()
                      .equals(shell ? SftpVerifier.EXEC_OPENSSL : SftpVerifier.READ_BACK));
      for (DeliveryRow x : d) {
        Path copy =
            x.destination().equals("sftp")
                ? root.resolve(x.remotePath())
                : app.archive.resolve(x.remotePath());
        assertThat(Sha256.of(copy)).as(x.toString()).isEqualTo(x.sha256());
      }
      assertThat(files(root))
          .hasSize(12)
          .noneMatch(p -> p.getFileName().toString().startsWith("."))
          .allMatch(p -> p.startsWith(root.resolve("upload")));
    }
  }

  /**
   * A destination added after files were taken: {@code caravan ledger backfill} queues what it
   * lacks, from the local copies still there, and says which it cannot (copy gone).
   */
  @Test
  void aDestinationAddedLaterIsBackfilled() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("sftp-root"));
    try (SftpTestServer server = new SftpTestServer(root, tmp.resolve("hostkey"), false)) {
      AppHarness app =
          app(server.port(), SftpTestServer.PASSWORD).set("caravan.destinations", "archive");
      try (app) {
        app.start();
        Files.copy(Samples.dslog(Samples.REV), app.inbox.resolve("rev.dslog"));
        Files.write(app.inbox.resolve("a.bin"), new byte[] {1, 2, 3});
        Files.write(app.inbox.resolve("b.bin"), new byte[] {4, 5, 6});
        app.awaitFiles(3);
        AppHarness.await(
            java.time.Duration.ofSeconds(30), "archived", () -> app.queue().backlog() == 0);
        assertThat(app.deliveries()).hasSize(4).allMatch(x -> x.destination().equals("archive"));
        // b.bin's local copy is gone (as after retention): it cannot be backfilled from here
        String gone =
            app.files().stream()
                .filter(f -> f.name().equals("b.bin"))
                .findFirst()
                .orElseThrow()
                .landingPath();
        app.stop();
        Files.delete(Path.of(gone));
        Path config =
            Files.writeString(tmp.resolve("cli.properties"), "caravan.data = " + app.data + "\n");
        String[] backfill = {
          "ledger", "backfill", "--destination", "sftp", "--config", config.toString()
        };
        assertThat(dev.caravan.testing.Cli.run(1, backfill))
            .contains("3 deliveries queued for sftp")
            .contains("1 cannot be queued")
            .contains(gone);
        assertThat(dev.caravan.testing.Cli.run(1, backfill))
            .as("twice: nothing more")
            .contains("0 deliveries queued");

        app.set("caravan.destinations", "archive,sftp").start();
        AppHarness.await(
            java.time.Duration.ofSeconds(30), "backfilled", () -> app.queue().backlog() == 0);
        List<DeliveryRow> sftp =
            app.deliveries().stream().filter(x -> x.destination().equals("sftp")).toList();
        assertThat(sftp)
            .extracting(x -> x.fileName() + " " + x.artifact() + " " + x.state())
            .containsExactlyInAnyOrder(
                "rev.dslog raw VERIFIED", "rev.v1.csv csv VERIFIED", "a.bin raw VERIFIED");
        for (DeliveryRow x : sftp) {
          assertThat(Sha256.of(root.resolve(x.remotePath()))).isEqualTo(x.sha256());
        }
      }
    }
  }

  /**
   * Any number of destinations of one kind: a second SFTP server (no shell) and a second archive,
   * each a copy of the shipped route under its own name, configured under caravan.NAME.*; every
   * copy verified with its own server's method, and checked there by the audit.
   */
  @Test
  void namedDestinationsOfOneKind() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("sftp-root"));
    Path backupRoot = Files.createDirectories(tmp.resolve("backup-root"));
    try (SftpTestServer server = new SftpTestServer(root, tmp.resolve("hostkey"), true);
        SftpTestServer backup = new SftpTestServer(backupRoot, tmp.resolve("hostkey2"), false)) {
      AppHarness app =
          app(server.port(), SftpTestServer.PASSWORD)
              .set("caravan.destinations", "archive,sftp,backup,usb")
              .set("caravan.backup.enabled", "true")
              .set("caravan.backup.host", "127.0.0.1")
              .set("caravan.backup.port", Integer.toString(backup.port()))
              .set("caravan.backup.user", SftpTestServer.USER)
              .set("caravan.backup.password", SftpTestServer.PASSWORD)
              .set("caravan.backup.strict-host-key-checking", "no")
              .set("caravan.backup.base", "copies")
              .set("caravan.usb", tmp.resolve("usb").toString());
      // what the route files' header says: a copy, the name changed
      app.addDestination("sftp", "backup");
      app.addDestination("archive", "usb");
      try (app) {
        app.start();
        for (Path sample : Files.list(Samples.LOGS).toList()) {
          Files.copy(sample, app.inbox.resolve(sample.getFileName()));
        }
        app.awaitFiles(6);
        AppHarness.await(
            java.time.Duration.ofSeconds(60), "all delivered", () -> app.queue().backlog() == 0);
        Map<String, List<DeliveryRow>> byDestination =
            app.deliveries().stream()
                .collect(java.util.stream.Collectors.groupingBy(DeliveryRow::destination));
        assertThat(byDestination).containsOnlyKeys("archive", "sftp", "backup", "usb");
        byDestination.forEach(
            (name, rows) ->
                assertThat(rows)
                    .as(name)
                    .hasSize(12)
                    .allMatch(x -> x.state() == DeliveryState.VERIFIED));
        assertThat(byDestination.get("sftp"))
            .allMatch(x -> x.verifyMethod().equals(SftpVerifier.EXEC_OPENSSL));
        assertThat(byDestination.get("backup"))
            .allMatch(x -> x.verifyMethod().equals(SftpVerifier.READ_BACK));
        for (DeliveryRow x : byDestination.get("backup")) {
          assertThat(Sha256.of(backupRoot.resolve(x.remotePath()))).isEqualTo(x.sha256());
          assertThat(x.remotePath()).startsWith("copies/");
        }
        for (DeliveryRow x : byDestination.get("usb")) {
          assertThat(Sha256.of(tmp.resolve("usb").resolve(x.remotePath()))).isEqualTo(x.sha256());
        }
        // the audit checks each copy at its own destination
        dev.caravan.deliver.Audit audit =
            app.context()
                .getRegistry()
                .lookupByNameAndType("audit", dev.caravan.deliver.Audit.class);
        assertThat(audit.run(null, false).bad()).isEmpty();
        DeliveryRow changed = byDestination.get("backup").get(0);
        Files.write(backupRoot.resolve(changed.remotePath()), new byte[] {9});
        assertThat(audit.run(null, false).bad())
            .singleElement()
            .satisfies(
                b -> {
                  assertThat(b.delivery().id()).isEqualTo(changed.id());
                  assertThat(b.problem()).contains("expected " + changed.sha256());
                });
      }
    }
  }

  @Test
  void keyAuthentication() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("sftp-root"));
    try (SftpTestServer server = new SftpTestServer(root, tmp.resolve("hostkey"), false)) {
      Path key = server.authorizeNewKey(tmp.resolve("id_rsa"));
      try (AppHarness app =
          app(server.port(), "")
              .set("caravan.sftp.private-key", key.toString())
              .set("caravan.sftp.bandwidth", "64M")
              .start()) {
        Files.copy(Samples.dslog(Samples.NONE), app.inbox.resolve("a.dslog"));
        app.awaitFiles(1);
        assertThat(app.deliveries())
            .filteredOn(x -> x.destination().equals("sftp"))
            .hasSize(2)
            .allMatch(
                x ->
                    x.state() == DeliveryState.VERIFIED
                        && x.verifyMethod().equals(SftpVerifier.READ_BACK));
        assertThat(Sha256.of(root.resolve("upload/2022/03/01/a.dslog")))
            .isEqualTo(Sha256.of(Samples.dslog(Samples.NONE)));
      }
    }
  }

  @Test
  void checkFindsChangedAndMissingCopiesAndRepairFixesThem() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("sftp-root"));
    try (SftpTestServer server = new SftpTestServer(root, tmp.resolve("hostkey"), true);
        AppHarness app = app(server.port(), SftpTestServer.PASSWORD).start()) {
      Files.copy(Samples.dslog(Samples.NONE), app.inbox.resolve("a.dslog"));
      app.awaitFiles(1);
      Path cfg =
          Files.writeString(
              tmp.resolve("check.properties"),
              String.join(
                  "\n",
                  "caravan.data = " + app.data,
                  "caravan.archive = " + app.archive,
                  "caravan.sftp.host = 127.0.0.1",
                  "caravan.sftp.port = " + server.port(),
                  "caravan.sftp.user = " + SftpTestServer.USER,
                  "caravan.sftp.password = " + SftpTestServer.PASSWORD,
                  "caravan.sftp.strict-host-key-checking = no",
                  "caravan.sftp.base = upload",
                  ""));
      assertThat(dev.caravan.cli.CaravanCommand.execute("check", "--config", cfg.toString()))
          .isZero();

      // someone edits the archived CSV and deletes the raw file on the server
      Path csv = app.archive.resolve("2022/03/01/a.v1.csv");
      Files.writeString(csv, "edited\n", java.nio.file.StandardOpenOption.APPEND);
      Files.delete(root.resolve("upload/2022/03/01/a.dslog"));
      assertThat(dev.caravan.cli.CaravanCommand.execute("check", "--config", cfg.toString()))
          .isEqualTo(1);
      assertThat(
              dev.caravan.cli.CaravanCommand.execute(
                  "check", "--repair", "--config", cfg.toString()))
          .isEqualTo(1);
      app.awaitFiles(1);
      assertThat(dev.caravan.cli.CaravanCommand.execute("check", "--config", cfg.toString()))
          .isZero();
      // the edited copy was left alone; the good one sits beside it
      assertThat(Files.readString(csv)).endsWith("edited\n");
      assertThat(Sha256.of(app.archive.resolve("2022/03/01/a (2).v1.csv")))
          .isEqualTo(
              app.deliveries().stream()
                  .filter(x -> x.artifact().equals("csv"))
                  .findFirst()
                  .orElseThrow()
                  .sha256());
      assertThat(root.resolve("upload/2022/03/01/a.dslog")).exists();
    }
  }

  @Test
  void aServerThatGoesAwayComesBackAndTheBacklogDrains() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("sftp-root"));
    SftpTestServer server = new SftpTestServer(root, tmp.resolve("hostkey"), false);
    int port = server.port();
    server.stop();
    try (AppHarness app = app(port, SftpTestServer.PASSWORD).start()) {
      for (int i = 0; i < 10; i++) {
        Files.write(app.inbox.resolve("f" + i + ".dslog"), RouteAppContract.variant(i));
      }
      await(
          Duration.ofSeconds(30),
          "sftp attempts failing while the server is down",
          () ->
              app.deliveries().stream()
                  .anyMatch(
                      x ->
                          x.state() == DeliveryState.FAILED
                              && "connection".equals(x.errorClass())));
      server = new SftpTestServer(root, tmp.resolve("hostkey"), false, port);
      app.awaitFiles(10);
      List<DeliveryRow> d = app.deliveries();
      assertThat(d).hasSize(40).allMatch(x -> x.state() == DeliveryState.VERIFIED);
      assertThat(files(root))
          .hasSize(20)
          .noneMatch(p -> p.getFileName().toString().startsWith("."));
    } finally {
      server.stop();
    }
  }

  @Test
  void thePasswordComesFromAMountedSecretFile() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("sftp-root"));
    // a mounted Kubernetes secret or systemd credential: one file per key, named after it
    Path secrets = Files.createDirectories(tmp.resolve("secrets"));
    Files.writeString(secrets.resolve("caravan.sftp.password"), SftpTestServer.PASSWORD + "\n");
    Files.createDirectories(secrets.resolve("..data")); // what a Kubernetes mount also holds
    System.setProperty("caravan.secrets-dir", secrets.toString());
    try (SftpTestServer server = new SftpTestServer(root, tmp.resolve("hostkey"), false);
        AppHarness app = app(server.port(), "").set("caravan.sftp.password", null).start()) {
      Files.copy(Samples.dslog(Samples.NONE), app.inbox.resolve("a.dslog"));
      app.awaitFiles(1);
      assertThat(app.deliveries())
          .filteredOn(x -> x.destination().equals("sftp"))
          .hasSize(2)
          .allMatch(x -> x.state() == DeliveryState.VERIFIED);
    } finally {
      System.clearProperty("caravan.secrets-dir");
    }
  }

  @Test
  void aWrongPasswordIsQuarantinedQuicklyAsAuth() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("sftp-root"));
    try (SftpTestServer server = new SftpTestServer(root, tmp.resolve("hostkey"), true);
        AppHarness app = app(server.port(), "wrong").start()) {
      Files.copy(Samples.dslog(Samples.NONE), app.inbox.resolve("a.dslog"));
      await(
          Duration.ofSeconds(30),
          "sftp deliveries quarantined",
          () ->
              app.deliveries().stream().filter(x -> x.destination().equals("sftp")).count() == 2
                  && app.deliveries().stream()
                      .filter(x -> x.destination().equals("sftp"))
                      .allMatch(x -> x.state() == DeliveryState.QUARANTINED));
      assertThat(app.deliveries())
          .filteredOn(x -> x.destination().equals("sftp"))
          .allMatch(x -> x.errorClass().equals("auth") && x.attempts() == 2);
      assertThat(app.deliveries())
          .filteredOn(x -> x.destination().equals("archive"))
          .allMatch(x -> x.state() == DeliveryState.VERIFIED);
    }
  }
}
