package dev.caravan.app;

import static dev.caravan.app.AppHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.csv.DslogCsvWriter;
import dev.caravan.csv.EventsCsvWriter;
import dev.caravan.files.Sha256;
import dev.caravan.ledger.DeliveryRow;
import dev.caravan.ledger.DeliveryState;
import dev.caravan.ledger.FileRow;
import dev.caravan.ledger.FileState;
import dev.caravan.testing.Samples;
import java.io.OutputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The route application end to end, on the real routes in {@code routes/}: inbox -> landing ->
 * decode -> archive, with the ledger. Run against H2 and against real PostgreSQL by the subclasses.
 */
abstract class RouteAppContract {

  @TempDir Path tmp;

  /** The ledger URL for a fresh database, or null for the default H2 under the data folder. */
  abstract String freshDatabase() throws Exception;

  AppHarness app() throws Exception {
    return new AppHarness(tmp, freshDatabase());
  }

  static long csvRows(Path csv, List<String> header) throws Exception {
    try (Reader r = Files.newBufferedReader(csv);
        CSVParser p =
            CSVParser.parse(
                r, CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get())) {
      assertThat(p.getHeaderNames()).isEqualTo(header);
      return p.stream().count();
    }
  }

  static List<Path> archived(AppHarness app) throws Exception {
    if (!Files.exists(app.archive)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(app.archive)) {
      return s.filter(Files::isRegularFile).map(app.archive::relativize).sorted().toList();
    }
  }

  /** The NONE sample with one record byte changed: same name and header day, other content. */
  static byte[] variant(int n) {
    byte[] b = Samples.bytes(Samples.dslog(Samples.NONE));
    b[20 + 14 * 5 + 4] = (byte) n; // record 5's CPU byte
    return b;
  }

  @Test
  void dslogAndDseventsArriveRawAndDecodedAndVerified() throws Exception {
    try (AppHarness app = app().start()) {
      Files.copy(Samples.dslog(Samples.CTRE), app.inbox.resolve(Samples.CTRE + ".dslog"));
      Files.copy(Samples.dsevents(Samples.CTRE), app.inbox.resolve(Samples.CTRE + ".dsevents"));
      app.awaitFiles(2);
      assertThat(app.files())
          .extracting(FileRow::state)
          .containsExactly(FileState.DONE, FileState.DONE);
      Path day = app.archive.resolve("2022/02/26"); // the header time is 02:25 UTC on the 26th
      assertThat(Sha256.of(day.resolve(Samples.CTRE + ".dslog")))
          .isEqualTo(Sha256.of(Samples.dslog(Samples.CTRE)));
      assertThat(Sha256.of(day.resolve(Samples.CTRE + ".dsevents")))
          .isEqualTo(Sha256.of(Samples.dsevents(Samples.CTRE)));
      assertThat(csvRows(day.resolve(Samples.CTRE + ".v1.csv"), DslogCsvWriter.COLUMNS))
          .isEqualTo(12738);
      assertThat(
              csvRows(day.resolve(Samples.CTRE + ".v1.events.csv"), EventsCsvWriter.ENTRY_COLUMNS))
          .isEqualTo(552);
      List<DeliveryRow> d = app.deliveries();
      assertThat(d)
          .extracting(DeliveryRow::artifact)
          .containsExactlyInAnyOrder("raw", "csv", "raw", "events.csv");
      for (DeliveryRow row : d) {
        assertThat(row.state()).isEqualTo(DeliveryState.VERIFIED);
        assertThat(row.verifyMethod()).isEqualTo("sha256-reread");
        assertThat(row.sha256()).isEqualTo(Sha256.of(app.archive.resolve(row.remotePath())));
      }
      // the raw copies are kept in landing
      for (FileRow f : app.files()) {
        assertThat(Sha256.of(Path.of(f.landingPath()))).isEqualTo(f.sha256());
        assertThat(f.decoderVersion()).isEqualTo("1");
        // the ledger keeps microseconds
        assertThat(f.logStart())
            .isEqualTo(
                Samples.start(Samples.CTRE).truncatedTo(java.time.temporal.ChronoUnit.MICROS));
      }
      assertThat(archived(app)).noneMatch(p -> p.getFileName().toString().startsWith("."));
    }
  }

  @Test
  void duplicatesNewVersionsAndSameNamesInSubfolders() throws Exception {
    try (AppHarness app = app().start()) {
      Path a = Files.createDirectories(app.inbox.resolve("a"));
      Path b = Files.createDirectories(app.inbox.resolve("b"));
      Files.write(a.resolve("x.dslog"), variant(1));
      app.awaitFiles(1);

      // the same file again (rewritten with the same bytes: a new mtime, the same content)
      Files.write(a.resolve("x.dslog"), variant(1));
      // the same content under another name
      Files.write(a.resolve("copy.dslog"), variant(1));
      // the same name in another folder, other content
      Files.write(b.resolve("x.dslog"), variant(2));
      app.awaitFiles(3);
      // a new version of a/x.dslog
      Files.write(a.resolve("x.dslog"), variant(3));
      app.awaitFiles(4);

      List<FileRow> files = app.files();
      assertThat(files)
          .extracting(f -> f.sourcePath() + " " + f.state())
          .containsExactlyInAnyOrder(
              "a/x.dslog DONE", "a/copy.dslog DUPLICATE", "b/x.dslog DONE", "a/x.dslog DONE");
      FileRow copy =
          files.stream()
              .filter(f -> f.sourcePath().equals("a/copy.dslog"))
              .findFirst()
              .orElseThrow();
      assertThat(copy.duplicateOf()).isEqualTo(files.get(0).id());
      // three different contents, each delivered raw and decoded once; names never overwritten
      assertThat(app.deliveries())
          .hasSize(6)
          .allMatch(d -> d.state() == DeliveryState.VERIFIED && d.attempts() == 1);
      assertThat(archived(app))
          .extracting(Path::toString)
          .containsExactlyInAnyOrder(
              "2022/03/01/x.dslog",
              "2022/03/01/x.v1.csv",
              "2022/03/01/x (2).dslog",
              "2022/03/01/x (2).v1.csv",
              "2022/03/01/x (3).dslog",
              "2022/03/01/x (3).v1.csv");
      assertThat(app.ledger().events(files.get(1).id()))
          .anyMatch(e -> e.event().equals("renamed") || e.event().equals("duplicate"));
      // no staging copy outlives its file, kept or dropped
      awaitNoStagingCopy(app);
      assertThat(landed(app))
          .as("one landed copy per content and name, each the bytes its folder names")
          .hasSize(4)
          .allSatisfy(
              p -> assertThat(Sha256.of(p)).isEqualTo(p.getParent().getFileName().toString()));
    }
  }

  private static void awaitNoStagingCopy(AppHarness app) throws Exception {
    await(
        Duration.ofSeconds(10),
        "no staging copy left in landing",
        () -> {
          try (Stream<Path> s = Files.walk(app.data.resolve("landing"))) {
            return s.noneMatch(p -> p.getFileName().toString().startsWith(".staged-"));
          } catch (java.io.IOException e) {
            return false;
          }
        });
  }

  private static List<Path> landed(AppHarness app) throws Exception {
    try (Stream<Path> s = Files.walk(app.data.resolve("landing").resolve("local"))) {
      return s.filter(Files::isRegularFile)
          .filter(p -> p.getFileName().toString().endsWith(".dslog"))
          .toList();
    }
  }

  @Test
  void aFileStillBeingWrittenIsTakenOnlyWhenStable() throws Exception {
    byte[] whole = Samples.bytes(Samples.dslog(Samples.CTRE));
    try (AppHarness app = app().set("caravan.intake.min-age", "1500").start()) {
      Path target = app.inbox.resolve("growing.dslog");
      int step = 39 * 1000;
      try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW)) {
        int at = 0;
        // like the DS: a header, then records in bursts, each burst sooner than the minimum age
        while (at < whole.length) {
          int n = Math.min(at == 0 ? 20 + 7 : step, whole.length - at);
          out.write(whole, at, n);
          out.flush();
          at += n;
          Thread.sleep(300);
          assertThat(app.files()).as("taken while still growing at byte %d", at).isEmpty();
        }
      }
      app.awaitFiles(1);
      FileRow f = app.files().get(0);
      assertThat(f.state()).isEqualTo(FileState.DONE);
      assertThat(f.size()).isEqualTo(whole.length);
      assertThat(csvRows(app.archive.resolve("2022/02/26/growing.v1.csv"), DslogCsvWriter.COLUMNS))
          .isEqualTo(12738);
    }
  }

  @Test
  void badFilesFailWithTheirCauseAreKeptAndTheRestGoesOn() throws Exception {
    byte[] ctre = Samples.bytes(Samples.dslog(Samples.CTRE));
    byte[] v5 = ctre.clone();
    v5[3] = 5;
    byte[] corrupt = ctre.clone();
    corrupt[20 + 39 * 10 + 10] = 0x70;
    try (AppHarness app = app().start()) {
      Files.write(app.inbox.resolve("v5.dslog"), v5);
      Files.write(app.inbox.resolve("short.dslog"), Arrays.copyOf(ctre, 7));
      Files.write(app.inbox.resolve("corrupt.dslog"), corrupt);
      Files.write(app.inbox.resolve("cut.dslog"), Arrays.copyOf(ctre, ctre.length - 5));
      Files.copy(Samples.dslog(Samples.REV), app.inbox.resolve("good.dslog"));
      Files.writeString(app.inbox.resolve("notes.txt"), "not a log, carried as it is");
      app.awaitFiles(6);
      List<FileRow> files = app.files();
      FileRow v5row = byName(files, "v5.dslog");
      assertThat(v5row.state()).isEqualTo(FileState.FAILED);
      assertThat(v5row.error()).contains("v5.dslog").contains("unknown .dslog version 5");
      assertThat(byName(files, "short.dslog").error())
          .contains("7 bytes long, shorter than the 20-byte");
      assertThat(byName(files, "corrupt.dslog").error())
          .contains("at byte " + (20 + 39 * 10 + 10))
          .contains("record 10 has a PD length word");
      FileRow cut = byName(files, "cut.dslog");
      assertThat(cut.state()).isEqualTo(FileState.FAILED);
      assertThat(cut.error()).contains("truncated").contains("12737 records").contains("34 bytes");
      assertThat(byName(files, "good.dslog").state()).isEqualTo(FileState.DONE);
      assertThat(byName(files, "notes.txt").state()).isEqualTo(FileState.DONE);
      assertThat(byName(files, "notes.txt").kind()).isEqualTo("other");
      for (FileRow f : files) {
        // every raw file is kept in landing and archived, failed or not
        assertThat(Sha256.of(Path.of(f.landingPath()))).isEqualTo(f.sha256());
        assertThat(app.deliveries())
            .anyMatch(
                d ->
                    d.fileId() == f.id()
                        && d.artifact().equals("raw")
                        && d.state() == DeliveryState.VERIFIED);
      }
      // the complete part of the truncated log is delivered; nothing of the unreadable ones
      assertThat(csvRows(app.archive.resolve("2022/02/26/cut.v1.csv"), DslogCsvWriter.COLUMNS))
          .isEqualTo(12737);
      assertThat(archived(app))
          .extracting(Path::toString)
          .noneMatch(p -> p.contains("v5.v1") || p.contains("corrupt.v1") || p.contains("short.v1"))
          .noneMatch(p -> p.contains("/."));
    }
  }

  private static FileRow byName(List<FileRow> files, String name) {
    return files.stream().filter(f -> f.name().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void aRestartMidBatchDeliversEachFileExactlyOnce() throws Exception {
    int n = 40;
    AppHarness app = app();
    for (int i = 0; i < n; i++) {
      Files.write(app.inbox.resolve("f" + i + ".dslog"), variant(10 + i));
    }
    try (app) {
      app.start();
      await(
          Duration.ofSeconds(30),
          "some files done",
          () -> app.files().stream().filter(f -> f.state() == FileState.DONE).count() >= 3);
      app.stop(); // graceful, as on SIGTERM
      app.start();
      app.awaitFiles(n);
      assertThat(app.files()).hasSize(n).allMatch(f -> f.state() == FileState.DONE);
      List<DeliveryRow> d = app.deliveries();
      assertThat(d.stream().filter(x -> x.state() != DeliveryState.VERIFIED).toList()).isEmpty();
      assertThat(d).hasSize(2 * n);
      List<Path> out = archived(app);
      assertThat(out)
          .hasSize(2 * n)
          .noneMatch(
              p -> p.toString().contains("(2)") || p.getFileName().toString().startsWith("."));
    }
  }

  @Test
  void restartDoesNotReprocessWhatIsDone() throws Exception {
    AppHarness app = app();
    try (app) {
      app.start();
      Files.copy(Samples.dslog(Samples.NONE), app.inbox.resolve("a.dslog"));
      app.awaitFiles(1);
      app.stop();
      app.start();
      Files.copy(Samples.dslog(Samples.REV), app.inbox.resolve("b.dslog"));
      app.awaitFiles(2);
      Thread.sleep(1000); // a few more polls over a.dslog
      assertThat(app.files()).hasSize(2);
      assertThat(app.deliveries()).hasSize(4).allMatch(d -> d.attempts() == 1);
      awaitNoStagingCopy(app);
    }
  }
}
