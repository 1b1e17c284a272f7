package dev.caravan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.ledger.DeliveryQueue;
import dev.caravan.ledger.FileKey;
import dev.caravan.ledger.Ledger;
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
    return run(0, args);
  }

  private String run(int exit, String... args) {
    return dev.caravan.testing.Cli.run(exit, args);
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
      // an app leads the intake
      dev.caravan.leader.LeaseTable leases = new dev.caravan.leader.LeaseTable(ledger.dataSource());
      assertThat(leases.swap("leader", leases.read("leader").version(), "pi-4242-1a2b")).isTrue();
    }
    String cfg = config.toString();
    // status: the quarantined delivery waits for an operator, so exit 1
    assertThat(run(1, "status", "--config", cfg))
        .contains("leader     pi-4242-1a2b (renewed ")
        .contains("local")
        .contains("files.RECEIVED=1")
        .contains("deliveries.QUARANTINED=1")
        .contains("1 quarantined deliveries wait for you");
    com.fasterxml.jackson.databind.JsonNode status =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(run(1, "status", "--json", "--config", cfg));
    assertThat(status.at("/destinations/sftp/deliveries.QUARANTINED").asLong()).isEqualTo(1);
    assertThat(status.at("/destinations/sftp/backlog").asLong()).isEqualTo(1);
    assertThat(status.at("/sources/local/files.RECEIVED").asLong()).isEqualTo(1);
    assertThat(status.at("/leader/holder").asText()).isEqualTo("pi-4242-1a2b");
    // list, filtered, as JSON
    com.fasterxml.jackson.databind.JsonNode listed =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(
                run(
                    "ledger",
                    "list",
                    "--state",
                    "received",
                    "--destination",
                    "sftp",
                    "--since",
                    "2020-01-01",
                    "--json",
                    "--config",
                    cfg));
    assertThat(listed).hasSize(1);
    assertThat(listed.get(0).get("sha256").asText()).isEqualTo(sha);
    assertThat(listed.get(0).get("firstSeen").asText()).endsWith("Z");
    assertThat(
            new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(run("ledger", "list", "--state", "DONE", "--json", "--config", cfg)))
        .isEmpty();
    assertThat(
            new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(run("ledger", "list", "--destination", "s3", "--json", "--config", cfg)))
        .isEmpty();
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
    com.fasterxml.jackson.databind.JsonNode shown =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(run("ledger", "show", Long.toString(id), "--json", "--config", cfg));
    assertThat(shown.at("/file/id").asLong()).isEqualTo(id);
    assertThat(shown.at("/deliveries/0/destination").asText()).isEqualTo("sftp");
    assertThat(shown.get("events").toString()).contains("locked").contains("unlocked");
    // nothing quarantined any more
    assertThat(run("status", "--config", cfg)).doesNotContain("wait for you");
  }
}
