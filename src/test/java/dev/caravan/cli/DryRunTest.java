package dev.caravan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.files.Sha256;
import dev.caravan.ledger.FileKey;
import dev.caravan.ledger.Ledger;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code caravan run --dry-run}: what would happen, and nothing happens. */
class DryRunTest {

  @TempDir Path tmp;

  private String run(String... args) {
    PrintStream old = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      assertThat(CaravanCommand.execute(args)).isZero();
    } finally {
      System.setOut(old);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void listsWhatWouldBeTakenAndWhereAndChangesNothing() throws Exception {
    Path inbox = Files.createDirectories(tmp.resolve("inbox/robot"));
    Files.write(inbox.resolve("a.dslog"), new byte[] {1, 2, 3});
    Files.write(inbox.resolve("b.dslog"), new byte[] {4, 5});
    Files.write(inbox.resolve(".partial.tmp"), new byte[] {6});
    Path data = tmp.resolve("data");
    Path config =
        Files.writeString(
            tmp.resolve("app.properties"),
            "caravan.data = " + data + "\ncaravan.inbox = " + tmp.resolve("inbox") + "\n");
    String[] args = {
      "run", "--dry-run", "--config", config.toString(), "--routes", Path.of("routes").toString()
    };

    // no ledger yet: everything is new, and no ledger is created
    String first = run(args);
    assertThat(first)
        .contains("destinations: archive") // sftp and s3 are off by their preconditions
        .contains("would take   robot/a.dslog (3 bytes) -> [archive]")
        .contains("would take   robot/b.dslog (2 bytes) -> [archive]")
        .doesNotContain(".partial")
        .contains("2 file(s) would be taken, 0 already in the ledger");
    assertThat(data).doesNotExist();

    // a.dslog was taken by an earlier run
    try (Ledger ledger = Ledger.open(Ledger.url(null, data), "sa", "")) {
      ledger.claim(
          new FileKey("local", "robot/a.dslog", Sha256.of(inbox.resolve("a.dslog"))),
          "a.dslog",
          3,
          "dslog");
    }
    String second = run(args);
    assertThat(second)
        .doesNotContain("would take   robot/a.dslog")
        .contains("would take   robot/b.dslog")
        .contains("1 file(s) would be taken, 1 already in the ledger");
    try (Ledger ledger = Ledger.open(Ledger.url(null, data), "sa", "")) {
      assertThat(ledger.files()).hasSize(1); // nothing taken
    }

    // an SFTP server switched on in the file: Camel's precondition now lets its route start
    Files.writeString(
        config,
        Files.readString(config) + "caravan.sftp.enabled = true\ncaravan.s3.enabled = false\n");
    assertThat(run(args)).contains("destinations: archive, sftp\n");
  }
}
