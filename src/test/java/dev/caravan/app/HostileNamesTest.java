package dev.caravan.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.files.Sha256;
import dev.caravan.ledger.DeliveryRow;
import dev.caravan.ledger.DeliveryState;
import dev.caravan.ledger.FileRow;
import dev.caravan.ledger.FileState;
import dev.caravan.testing.FakeDrive;
import dev.caravan.testing.SftpTestServer;
import dev.caravan.testing.TestConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Names from every source (the inbox, an SFTP folder, Drive) that try to climb out, hide, or break
 * a file system (hidden names in a folder are left alone by design: copying programs' temporary
 * files; on Drive nothing is hidden): each file is taken, recorded in the ledger under the name it
 * was given, and its copies land inside landing, the archive and the SFTP destination's base,
 * nowhere else.
 */
class HostileNamesTest {

  @TempDir Path tmp;

  /** Names a Linux folder can hold (no '/' or NUL), as an instrument or a person might make. */
  private static List<String> folderNames() {
    return List.of(
        "new\nline.bin",
        "CON",
        "nul.txt",
        "a:b|c?.bin",
        "\u2025\uff0f\u2025\uff0fetc.bin",
        "report\u202egol.exe",
        "name...",
        " lead and trail .",
        "\u00e9".repeat(120) + ".bin", // 245 bytes: the longest a file system allows, nearly
        "caf\u00e9 \u65e5\u672c.bin");
  }

  /** Names Drive allows besides: separators, absolute paths, NUL, any length. */
  private static List<String> driveNames() {
    return List.of(
        "../../escape.bin",
        "/etc/passwd",
        "a/b/../../c.bin",
        "..\\..\\win.bin",
        "x\u0000y.bin",
        "\u00e9".repeat(300) + ".bin",
        "COM1.bin",
        "..",
        ".hidden.bin");
  }

  @Test
  void hostileNamesFromEverySourceStayInsideTheirBases() throws Exception {
    Path sftpRoot = Files.createDirectories(tmp.resolve("sftp-root"));
    Path outbox = Files.createDirectories(sftpRoot.resolve("outbox"));
    Map<String, byte[]> given = new LinkedHashMap<>(); // source + ":" + name -> bytes
    int n = 0;
    for (String name : folderNames()) {
      byte[] b = ("inbox " + n++).getBytes();
      given.put("local:" + name, b);
      byte[] c = ("sftp " + n++).getBytes();
      Files.write(outbox.resolve(name), c);
      given.put("sftp:" + name, c);
    }
    try (SftpTestServer sftp = new SftpTestServer(sftpRoot, tmp.resolve("hostkey"), false);
        FakeDrive drive = new FakeDrive();
        AppHarness app =
            new AppHarness(tmp, null)
                .set("caravan.destinations", "archive,sftp")
                .setAll(TestConfig.sftp("sftp", sftp, "upload"))
                .setAll(TestConfig.sftp("sftp-intake", sftp, "outbox"))
                .set("caravan.sftp-intake.min-age", "300")
                .set("caravan.sftp-intake.poll-interval", "200")
                .setAll(TestConfig.drive(drive, tmp.resolve("key.json")))
                .set("caravan.drive.include", ".*")
                .set("caravan.drive.poll-interval", "200")) {
      var folder = drive.folder("Robot logs", null);
      for (String name : driveNames()) {
        byte[] b = ("drive " + n++).getBytes();
        drive.file(name, folder.id, b);
        // NUL is the one character a ledger cannot hold as text (PostgreSQL): kept as U+2400
        given.put("drive:" + name.replace('\u0000', '\u2400'), b);
      }
      app.start();
      for (String name : folderNames()) {
        Files.write(app.inbox.resolve(name), given.get("local:" + name));
      }
      app.awaitFilesWithin(given.size(), Duration.ofSeconds(60));

      List<FileRow> files = app.files();
      List<String> recorded = new ArrayList<>();
      for (FileRow f : files) {
        recorded.add(f.source() + ":" + f.name());
        assertThat(f.state()).as(f.toString()).isEqualTo(FileState.DONE);
        Path landing = Path.of(f.landingPath());
        assertThat(landing.normalize().startsWith(app.data.resolve("landing")))
            .as(f.toString())
            .isTrue();
        assertThat(Sha256.of(landing)).isEqualTo(f.sha256());
      }
      assertThat(recorded)
          .as("recorded under the names given")
          .containsExactlyInAnyOrderElementsOf(given.keySet());
      List<DeliveryRow> d = app.deliveries();
      assertThat(d).hasSize(2 * given.size()).allMatch(x -> x.state() == DeliveryState.VERIFIED);
      for (DeliveryRow x : d) {
        Path base = x.destination().equals("sftp") ? sftpRoot.resolve("upload") : app.archive;
        Path copy =
            (x.destination().equals("sftp") ? sftpRoot : app.archive).resolve(x.remotePath());
        assertThat(copy.normalize().startsWith(base)).as(x.toString()).isTrue();
        assertThat(
                copy.getFileName()
                    .toString()
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8)
                    .length)
            .isLessThanOrEqualTo(255);
        assertThat(Sha256.of(copy)).as(x.toString()).isEqualTo(x.sha256());
      }
      // nothing anywhere else: every regular file under the test's folder is an input or a copy
      List<Path> everything;
      try (Stream<Path> s = Files.walk(tmp)) {
        everything = s.filter(Files::isRegularFile).toList();
      }
      assertThat(everything)
          .allMatch(
              p ->
                  p.startsWith(app.inbox)
                      || p.startsWith(outbox)
                      || p.startsWith(sftpRoot.resolve("upload"))
                      || p.startsWith(app.archive)
                      || p.startsWith(app.data)
                      || p.startsWith(app.routes)
                      || p.getFileName().toString().equals("hostkey")
                      || p.getFileName().toString().equals("key.json"),
              "inside a base");
    }
  }
}
