package dev.caravan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.ledger.DeliveryQueue;
import dev.caravan.ledger.FileKey;
import dev.caravan.ledger.Ledger;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code caravan ledger}: listing, history, requeue, lock, on the configured ledger. */
class LedgerCommandTest {

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
  void listsRequeuesAndLocks() throws Exception {
    Path data = tmp.resolve("data");
    Path config = Files.writeString(tmp.resolve("app.properties"), "caravan.data = " + data + "\n");
    String sha = "9af1441c6d639cc7c23f90b10fbac76706ffeb15a9bf7e5dcf35ee366e769a71";
    long id;
    try (Ledger ledger = Ledger.open(Ledger.url(null, data), "sa", "")) {
      id =
          ledger
              .claim(new FileKey("local", "a/x.dslog", sha), "x.dslog", 3100, "dslog")
              .orElseThrow();
      DeliveryQueue q =
          new DeliveryQueue(
              ledger,
              new DeliveryQueue.Policy(1, Duration.ZERO, Duration.ZERO, Duration.ofMinutes(1)));
      q.enqueue(id, "raw", tmp.resolve("x.dslog"), "x.dslog", sha, 3100, null, List.of("sftp"));
      q.failed(q.claim("sftp", 1).get(0), "auth", true, "Auth fail");
    }
    String cfg = config.toString();
    assertThat(run("ledger", "--config", cfg)).contains("local:a/x.dslog").contains("1 file(s)");
    assertThat(run("ledger", "deliveries", "--config", cfg))
        .contains("QUARANTINED")
        .contains("Auth fail");
    assertThat(run("ledger", "requeue", "--destination", "sftp", "--config", cfg))
        .contains("1 quarantined deliveries put back in the queue");
    assertThat(run("ledger", "deliveries", "--config", cfg)).contains("PENDING");
    assertThat(run("ledger", "lock", Long.toString(id), "--config", cfg)).contains("locked");
    assertThat(run("ledger", "show", Long.toString(id), "--config", cfg))
        .contains("quarantined")
        .contains("locked");
    assertThat(run("ledger", "unlock", Long.toString(id), "--config", cfg)).contains("unlocked");
  }
}
