package dev.caravan.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.files.Sha256;
import dev.caravan.intake.FileOutcome;
import dev.caravan.ledger.DeliveryRow;
import dev.caravan.ledger.DeliveryState;
import dev.caravan.ledger.FileRow;
import dev.caravan.ledger.FileState;
import dev.caravan.testing.Samples;
import dev.caravan.testing.SftpTestServer;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SFTP intake on a real SFTP server (MINA SSHD): same gate, identity and dedup as local. */
class SftpIntakeTest {

  @TempDir Path tmp;

  AppHarness app(int port) throws Exception {
    return new AppHarness(tmp, null)
        .set("caravan.sftp-intake.enabled", "true")
        .set("caravan.sftp-intake.host", "127.0.0.1")
        .set("caravan.sftp-intake.port", Integer.toString(port))
        .set("caravan.sftp-intake.user", SftpTestServer.USER)
        .set("caravan.sftp-intake.password", SftpTestServer.PASSWORD)
        .set("caravan.sftp-intake.strict-host-key-checking", "no")
        .set("caravan.sftp-intake.folder", "outbox")
        .set("caravan.sftp-intake.min-age", "1000")
        .set("caravan.sftp-intake.poll-interval", "200")
        .set("caravan.sftp-intake.timeout", "5000");
  }

  @Test
  void remoteLogsAreTakenOnceDecodedAndLeftInPlaceAcrossARestart() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("sftp-root"));
    Path outbox = Files.createDirectories(root.resolve("outbox/robot"));
    for (String s : Samples.DSLOGS) {
      Files.copy(Samples.dslog(s), outbox.resolve(s + ".dslog"));
    }
    Files.copy(
        Samples.dsevents(Samples.CTRE), root.resolve("outbox/" + Samples.CTRE + ".dsevents"));
    try (SftpTestServer server = new SftpTestServer(root, tmp.resolve("hostkey"), false)) {
      try (AppHarness app = app(server.port()).start()) {
        app.awaitFiles(5);
        List<FileRow> files = app.files();
        assertThat(files).extracting(FileRow::source).containsOnly("sftp");
        assertThat(files).extracting(FileRow::state).containsOnly(FileState.DONE);
        assertThat(files)
            .extracting(FileRow::sourcePath)
            .contains("robot/" + Samples.CTRE + ".dslog", Samples.CTRE + ".dsevents");
        for (FileRow f : files) {
          Path original =
              f.sourcePath().startsWith("robot/")
                  ? outbox.resolve(f.name())
                  : root.resolve("outbox").resolve(f.name());
          assertThat(f.sha256()).isEqualTo(Sha256.of(original));
        }
        assertThat(app.deliveries()).hasSize(10).allMatch(d -> d.state() == DeliveryState.VERIFIED);
        for (DeliveryRow d : app.deliveries()) {
          assertThat(Sha256.of(app.archive.resolve(d.remotePath()))).isEqualTo(d.sha256());
        }
      }
      // the remote folder is left as it was, and nothing is left in the work folder
      try (var s = Files.list(outbox)) {
        assertThat(s).hasSize(4);
      }
      try (AppHarness again = app(server.port()).start()) {
        Thread.sleep(2000); // several polls of the same folder after the restart
        again.awaitFiles(5);
        assertThat(again.files()).hasSize(5);
      }
    }
  }

  @Test
  void aFileStillBeingWrittenIsTakenOnlyWhenWhole() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("sftp-root"));
    Path outbox = Files.createDirectories(root.resolve("outbox"));
    // SFTP gives times in whole seconds, and a writer can stall on a busy machine: the gate must
    // be wider than both (the default is 5 s)
    try (SftpTestServer server = new SftpTestServer(root, tmp.resolve("hostkey"), false);
        AppHarness app = app(server.port()).set("caravan.sftp-intake.min-age", "2500").start()) {
      Path growing = outbox.resolve("growing.bin");
      byte[] chunk = new byte[4096];
      Random random = new Random(3);
      try (OutputStream out = Files.newOutputStream(growing, StandardOpenOption.CREATE_NEW)) {
        for (int i = 0; i < 30; i++) { // 3 s of writing
          random.nextBytes(chunk);
          out.write(chunk);
          out.flush();
          Thread.sleep(100);
        }
      }
      app.awaitFiles(1);
      Thread.sleep(1500);
      List<FileRow> files = app.files();
      assertThat(files).hasSize(1);
      assertThat(files.get(0).size()).isEqualTo(30 * 4096);
      assertThat(files.get(0).sha256()).isEqualTo(Sha256.of(growing));
    }
  }

  @Test
  void aRemoteFileBeingWrittenHoldsBackNoFinishedOne() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("sftp-root"));
    Path outbox = Files.createDirectories(root.resolve("outbox"));
    try (SftpTestServer server = new SftpTestServer(root, tmp.resolve("hostkey"), false);
        AppHarness app = app(server.port()).set("caravan.sftp-intake.min-age", "1500").start()) {
      Path growing = outbox.resolve("acquisition.bin");
      byte[] chunk = new byte[4096];
      Random random = new Random(14);
      try (OutputStream out = Files.newOutputStream(growing, StandardOpenOption.CREATE_NEW)) {
        long start = System.nanoTime();
        boolean dropped = false;
        // 7 s of writing, never still for 1.5 s
        while (System.nanoTime() - start < java.time.Duration.ofSeconds(7).toNanos()) {
          random.nextBytes(chunk);
          out.write(chunk);
          out.flush();
          Thread.sleep(250);
          if (!dropped) {
            Files.copy(Samples.dslog(Samples.REV), outbox.resolve("a.dslog"));
            Files.write(outbox.resolve("empty.marker"), new byte[0]);
            dropped = true;
          }
          assertThat(app.files()).noneMatch(f -> f.sourcePath().equals("acquisition.bin"));
        }
        // the finished files went through while the other grew
        assertThat(app.files())
            .extracting(FileRow::sourcePath)
            .containsExactlyInAnyOrder("a.dslog", "empty.marker");
      }
      app.awaitFiles(3);
      FileRow whole =
          app.files().stream()
              .filter(f -> f.sourcePath().equals("acquisition.bin"))
              .findFirst()
              .orElseThrow();
      assertThat(whole.size()).isEqualTo(Files.size(growing));
      assertThat(whole.sha256()).isEqualTo(Sha256.of(growing));
    }
  }

  @Test
  void aServerThatRefusesUsFailsThePollLoudlyAndTakesNothing() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("sftp-root"));
    Files.createDirectories(root.resolve("outbox"));
    Files.write(root.resolve("outbox/a.bin"), new byte[] {1, 2, 3});
    try (SftpTestServer server = new SftpTestServer(root, tmp.resolve("hostkey"), false);
        AppHarness app =
            app(server.port())
                .set("caravan.sftp-intake.password", "wrong")
                .set("caravan.metrics.refresh", "200")
                .start()) {
      AppHarness.await(
          java.time.Duration.ofSeconds(20),
          "a failed SFTP poll",
          () ->
              !app.context()
                  .getRegistry()
                  .lookupByNameAndType("outcome", FileOutcome.class)
                  .pollProblems()
                  .isEmpty());
      assertThat(app.files()).isEmpty();
      var health =
          org.apache.camel.health.HealthCheckHelper.invoke(app.context()).stream()
              .filter(r -> r.getCheck().getId().equals("intake-polls"))
              .toList();
      assertThat(health)
          .singleElement()
          .satisfies(
              r -> {
                assertThat(r.getState()).isEqualTo(org.apache.camel.health.HealthCheck.State.DOWN);
                assertThat(r.getMessage())
                    .hasValueSatisfying(
                        m ->
                            assertThat(m)
                                .startsWith("sftp poll failed: ")
                                .containsIgnoringCase("auth"));
              });
      // the change of health is in the ledger's history too (the console's event stream)
      AppHarness.await(
          java.time.Duration.ofSeconds(20),
          "a health event",
          () -> {
            try (var c = app.ledger().dataSource().getConnection();
                var st = c.createStatement();
                var rs =
                    st.executeQuery(
                        "SELECT detail FROM file_events WHERE event = 'health' AND detail LIKE"
                            + " 'intake-polls DOWN%'")) {
              return rs.next();
            } catch (java.sql.SQLException e) {
              return false;
            }
          });
    }
  }
}
