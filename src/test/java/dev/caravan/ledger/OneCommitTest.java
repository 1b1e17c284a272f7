package dev.caravan.ledger;

import static dev.caravan.ledger.BothDatabases.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Ledger#inOneCommit}: what a file's processing tells the ledger is seen by nobody until the
 * end and then all at once, or never when it fails; a ledger call's own rollback inside it (the
 * refused insert of a claim or a queued row) undoes only its part, on H2 and on PostgreSQL, where a
 * refused statement otherwise spoils the whole transaction.
 */
class OneCommitTest {

  /** A content of its own for each test (PostgreSQL's database is shared by them). */
  private final String sha = String.format("%064x", System.nanoTime());

  @TempDir static Path tmp;
  private static BothDatabases databases;

  @BeforeAll
  static void start() throws Exception {
    databases = new BothDatabases(tmp);
  }

  @AfterAll
  static void stop() throws Exception {
    databases.close();
  }

  /** Counts rows through a connection of its own, outside the ledger's pool. */
  private static long count(String url, String user, String sql) throws Exception {
    try (Connection c = DriverManager.getConnection(url, user, "");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static DeliveryQueue queue(Ledger ledger) {
    return new DeliveryQueue(ledger, DeliveryQueue.Policy.DEFAULT);
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgres"})
  void aFilesStepsAreSeenTogetherAtTheEnd(String db) throws Exception {
    String url = databases.url(db);
    String path = "seen-" + db + "-" + System.nanoTime() + ".bin";
    try (Ledger ledger = Ledger.open(url, user(db), "")) {
      long id = ledger.claim(new FileKey("local", path, sha), path, 10, "other").orElseThrow();
      String events = "SELECT COUNT(*) FROM file_events WHERE file_id = " + id;
      String queued = "SELECT COUNT(*) FROM deliveries WHERE file_id = " + id;
      long before = count(url, user(db), events);
      FileState state =
          ledger.inOneCommit(
              () -> {
                ledger.landed(id, "/landing/" + path, sha);
                queue(ledger)
                    .enqueue(
                        id,
                        "raw",
                        Path.of("/landing/" + path),
                        path,
                        sha,
                        10,
                        null,
                        List.of("archive", "sftp"));
                // a second queueing (a retry) keeps the rows there: its refused inserts are
                // undone on their own, the rest of the work stays
                queue(ledger)
                    .enqueue(
                        id,
                        "raw",
                        Path.of("/landing/" + path),
                        path,
                        sha,
                        10,
                        null,
                        List.of("archive", "sftp"));
                // a claim of the same file inside: refused, and nothing else undone
                assertThat(ledger.claim(new FileKey("local", path, sha), path, 10, "other"))
                    .isEmpty();
                // this thread sees its own work; another connection sees none of it yet
                assertThat(ledger.deliveriesOf(id)).hasSize(2);
                assertThat(count(url, user(db), queued)).isZero();
                assertThat(count(url, user(db), events)).isEqualTo(before);
                return ledger.finish(id);
              });
      assertThat(state).isEqualTo(FileState.DONE);
      assertThat(count(url, user(db), queued)).isEqualTo(2);
      // landed, queued twice, finished
      assertThat(count(url, user(db), events)).isEqualTo(before + 4);
      assertThat(ledger.state(id)).isEqualTo(FileState.DONE);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgres"})
  void aFailedProcessingLeavesNothingButTheClaim(String db) throws Exception {
    String url = databases.url(db);
    String path = "failed-" + db + "-" + System.nanoTime() + ".bin";
    try (Ledger ledger = Ledger.open(url, user(db), "")) {
      long id = ledger.claim(new FileKey("local", path, sha), path, 10, "other").orElseThrow();
      assertThatThrownBy(
              () ->
                  ledger.inOneCommit(
                      () -> {
                        ledger.landed(id, "/landing/" + path, sha);
                        queue(ledger)
                            .enqueue(
                                id,
                                "raw",
                                Path.of("/landing/" + path),
                                path,
                                sha,
                                10,
                                null,
                                List.of("archive"));
                        ledger.finish(id);
                        throw new IllegalStateException("the decoder broke");
                      }))
          .hasMessage("the decoder broke");
      assertThat(count(url, user(db), "SELECT COUNT(*) FROM deliveries WHERE file_id = " + id))
          .isZero();
      assertThat(ledger.state(id)).isEqualTo(FileState.RECEIVED);
      assertThat(ledger.file(id).orElseThrow().landingPath()).isNull();
      // the claim's release, after it, is recorded at once: the file is taken again
      ledger.release(new FileKey("local", path, sha), "processing failed");
      assertThat(ledger.state(id)).isEqualTo(FileState.RETRY);
    }
  }
}
