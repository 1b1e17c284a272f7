package dev.caravan.app;

import static dev.caravan.app.AppHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.files.Sha256;
import dev.caravan.intake.IntakeGate;
import dev.caravan.ledger.FileRow;
import dev.caravan.ledger.FileState;
import dev.caravan.testing.Samples;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No file blocks the inbox: an empty file, a file being written, a name with a line break or with
 * bytes the JVM cannot open, each beside complete logs that must go through meanwhile.
 */
class IntakeLivenessTest {

  @TempDir Path tmp;

  static FileRow byPath(List<FileRow> files, String path) {
    return files.stream().filter(f -> f.sourcePath().equals(path)).findFirst().orElseThrow();
  }

  static IntakeGate gate(AppHarness app) {
    return app.context().getRegistry().lookupByNameAndType("localIntakeGate", IntakeGate.class);
  }

  static HealthCheck.Result intakeHealth(AppHarness app) {
    return HealthCheckHelper.invoke(app.context(), "intake-polls", java.util.Map.of())
        .orElseThrow();
  }

  @Test
  void anEmptyFileIsTakenAndHoldsNothingBack() throws Exception {
    try (AppHarness app = new AppHarness(tmp, null).start()) {
      Files.write(app.inbox.resolve("empty.dslog"), new byte[0]);
      Thread.sleep(300);
      Files.copy(Samples.dslog(Samples.REV), app.inbox.resolve("good.dslog"));
      app.awaitFiles(2);
      List<FileRow> files = app.files();
      assertThat(byPath(files, "good.dslog").state()).isEqualTo(FileState.DONE);
      // an empty log is a bad log: kept, archived and said so (an empty marker of any other kind
      // is carried as it is: see SftpIntakeTest)
      FileRow empty = byPath(files, "empty.dslog");
      assertThat(empty.state()).isEqualTo(FileState.FAILED);
      assertThat(empty.error()).contains("empty.dslog").contains("0 bytes long");
      assertThat(Files.size(app.archive.resolve("2022/02/27/good.dslog")))
          .isEqualTo(Files.size(Samples.dslog(Samples.REV)));
    }
  }

  @Test
  void aFileBeingWrittenHoldsNothingBackIsReportedPastMaxWaitAndIsTakenWhole() throws Exception {
    byte[] chunk = new byte[997];
    Random random = new Random(14);
    try (AppHarness app =
        new AppHarness(tmp, null)
            .set("caravan.intake.min-age", "1000")
            .set("caravan.intake.max-wait", "PT2S")
            .start()) {
      Path growing = app.inbox.resolve("acquisition.bin");
      int written = 0;
      try (OutputStream out = Files.newOutputStream(growing, StandardOpenOption.CREATE_NEW)) {
        long start = System.nanoTime();
        boolean dropped = false;
        // 6 s of writing, a chunk every 200 ms: never still for the 1 s min-age
        while (System.nanoTime() - start < Duration.ofSeconds(6).toNanos()) {
          random.nextBytes(chunk);
          out.write(chunk);
          out.flush();
          written += chunk.length;
          Thread.sleep(200);
          if (!dropped) {
            Files.copy(Samples.dslog(Samples.CTRE), app.inbox.resolve("a.dslog"));
            Files.copy(Samples.dsevents(Samples.CTRE), app.inbox.resolve("a.dsevents"));
            dropped = true;
          }
          List<FileRow> files = app.files();
          assertThat(files)
              .as("taken while still growing, at %d bytes", written)
              .noneMatch(f -> f.sourcePath().equals("acquisition.bin"));
          if (System.nanoTime() - start > Duration.ofMillis(4500).toNanos()) {
            // the complete files went through while it grew
            assertThat(files).extracting(FileRow::sourcePath).contains("a.dslog", "a.dsevents");
            // reported past max-wait: the gate's list, a metric figure, the health detail
            assertThat(gate(app).unsettled()).containsExactly("acquisition.bin");
            assertThat(gate(app).figures()).containsEntry("caravan.intake.unsettled", 1.0);
            HealthCheck.Result health = intakeHealth(app);
            assertThat(health.getState()).isEqualTo(HealthCheck.State.UP);
            assertThat(health.getDetails()).containsEntry("local.unsettled", "'acquisition.bin'");
          }
        }
      }
      app.awaitFiles(3);
      FileRow whole = byPath(app.files(), "acquisition.bin");
      assertThat(whole.size()).isEqualTo(written);
      assertThat(whole.sha256()).isEqualTo(Sha256.of(growing));
      assertThat(gate(app).unsettled()).isEmpty();
      assertThat(intakeHealth(app).getDetails()).doesNotContainKey("local.unsettled");
    }
  }

  @Test
  void aNameWithALineBreakIsTakenAndAnUnopenableNameIsReported() throws Exception {
    try (AppHarness app = new AppHarness(tmp, null).start()) {
      String odd = "match 12\nreplay.dslog";
      Files.copy(Samples.dslog(Samples.NONE), app.inbox.resolve(odd));
      // a name that is not UTF-8 (byte 0xFF), made by the shell: the JVM lists it but cannot
      // open it under any name it can spell
      Process p =
          new ProcessBuilder("sh", "-c", "printf x > \"$(printf 'raw\\377.bin')\"")
              .directory(app.inbox.toFile())
              .inheritIO()
              .start();
      assertThat(p.waitFor()).isZero();
      Files.copy(Samples.dslog(Samples.REV), app.inbox.resolve("good.dslog"));
      app.awaitFiles(2);
      List<FileRow> files = app.files();
      FileRow broken = byPath(files, odd);
      assertThat(broken.state()).isEqualTo(FileState.DONE);
      assertThat(broken.sha256()).isEqualTo(Sha256.of(Samples.dslog(Samples.NONE)));
      assertThat(byPath(files, "good.dslog").state()).isEqualTo(FileState.DONE);
      // archived under a name that is one path element (the line break made safe)
      assertThat(app.archive.resolve("2022/03/01/match 12_replay.dslog")).exists();
      await(
          Duration.ofSeconds(10),
          "the unopenable name reported",
          () -> !gate(app).unreadable().isEmpty());
      assertThat(gate(app).unreadable())
          .singleElement()
          .asString()
          .startsWith("raw")
          .endsWith(".bin");
      assertThat(gate(app).figures()).containsEntry("caravan.intake.unreadable", 1.0);
      assertThat(intakeHealth(app).getDetails()).containsKey("local.unreadable");
      assertThat(app.files()).hasSize(2);
    }
  }
}
