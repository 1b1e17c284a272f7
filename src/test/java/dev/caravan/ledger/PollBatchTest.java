package dev.caravan.ledger;

import static dev.caravan.ledger.BothDatabases.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link PollBatch}: a poll's files are recorded together at the batch's commits, each file's part
 * undone alone when it fails, the claims seen by everybody at once; a full batch is committed
 * before the poll ends; a commit that fails gives the batch's files back. On H2 and on PostgreSQL.
 */
class PollBatchTest {

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

  /** One value through a connection of its own, outside the ledger's pool. */
  private static String seen(String url, String user, String sql, Object arg) throws Exception {
    try (Connection c = DriverManager.getConnection(url, user, "");
        PreparedStatement s = c.prepareStatement(sql)) {
      s.setObject(1, arg);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  private static FileState stateSeen(String url, String user, long id) throws Exception {
    String state = seen(url, user, "SELECT state FROM files WHERE id = ?", id);
    return state == null ? null : FileState.valueOf(state);
  }

  private static String landingSeen(String url, String user, long id) throws Exception {
    return seen(url, user, "SELECT landing_path FROM files WHERE id = ?", id);
  }

  /** A claimed file and its key. */
  private record Taken(long id, FileKey key) {}

  /** Claims a file of its own content. */
  private static Taken claim(Ledger ledger, String name) {
    return claim(ledger, "local", name, String.format("%064x", System.nanoTime()));
  }

  private static Taken claim(Ledger ledger, String source, String name, String sha) {
    FileKey key = new FileKey(source, name, sha);
    return new Taken(ledger.claim(key, name, 10, "other").orElseThrow(), key);
  }

  /** What the take route does with a file inside its policy: landed, then finished. */
  private static void process(Ledger ledger, PollBatch batch, Taken f, boolean fails)
      throws Exception {
    try {
      ledger.inOneCommit(
          () -> {
            ledger.landed(f.id(), "/landing/" + f.key().path(), f.key().sha256());
            if (fails) {
              throw new IllegalStateException("the decoder broke");
            }
            return ledger.finish(f.id());
          });
    } finally {
      batch.fileDone(f.key().encode());
    }
  }

  /** Claims a file of its own content and processes it through the batch. */
  private static Taken taken(Ledger ledger, PollBatch batch, String name) throws Exception {
    Taken f = claim(ledger, name);
    process(ledger, batch, f, false);
    return f;
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgres"})
  void aPollsFilesAreRecordedTogetherAndAFailedOneAlone(String db) throws Exception {
    String url = databases.url(db);
    String n = db + "-" + System.nanoTime();
    try (Ledger ledger = Ledger.open(url, user(db), "")) {
      PollBatch batch = new PollBatch(ledger, 100, 60_000);
      batch.begin();
      Taken a = taken(ledger, batch, "a-" + n);
      Taken b = claim(ledger, "b-" + n);
      assertThatThrownBy(() -> process(ledger, batch, b, true)).hasMessage("the decoder broke");
      ledger.release(b.key(), "processing failed"); // as the idempotent consumer does
      Taken c = taken(ledger, batch, "c-" + n);
      // nobody else sees any of it yet, claims included; this thread sees its batch's work
      for (Taken t : List.of(a, b, c)) {
        assertThat(stateSeen(url, user(db), t.id())).isNull();
      }
      assertThat(ledger.state(a.id())).isEqualTo(FileState.DONE);

      assertThat(batch.end()).isTrue();
      assertThat(batch.active()).isFalse();
      assertThat(stateSeen(url, user(db), a.id())).isEqualTo(FileState.DONE);
      assertThat(landingSeen(url, user(db), a.id())).isEqualTo("/landing/a-" + n);
      assertThat(stateSeen(url, user(db), c.id())).isEqualTo(FileState.DONE);
      // the failed one: its landing undone, its claim given back for the next poll
      assertThat(stateSeen(url, user(db), b.id())).isEqualTo(FileState.RETRY);
      assertThat(landingSeen(url, user(db), b.id())).isNull();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgres"})
  void aFullBatchIsCommittedBeforeThePollEnds(String db) throws Exception {
    String url = databases.url(db);
    String n = db + "-" + System.nanoTime();
    try (Ledger ledger = Ledger.open(url, user(db), "")) {
      PollBatch batch = new PollBatch(ledger, 2, 60_000);
      batch.begin();
      Taken a = taken(ledger, batch, "a-" + n);
      assertThat(stateSeen(url, user(db), a.id())).isNull();
      Taken b = taken(ledger, batch, "b-" + n);
      // two files: committed, the poll still going
      assertThat(stateSeen(url, user(db), a.id())).isEqualTo(FileState.DONE);
      assertThat(stateSeen(url, user(db), b.id())).isEqualTo(FileState.DONE);
      Taken c = taken(ledger, batch, "c-" + n);
      assertThat(stateSeen(url, user(db), c.id())).isNull();
      assertThat(batch.end()).isTrue();
      assertThat(stateSeen(url, user(db), c.id())).isEqualTo(FileState.DONE);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgres"})
  void aCommitThatFailsLeavesNoneOfTheBatchsFiles(String db) throws Exception {
    String url = databases.url(db);
    String n = db + "-" + System.nanoTime();
    try (Ledger ledger = Ledger.open(url, user(db), "")) {
      PollBatch batch = new PollBatch(ledger, 100, 60_000);
      batch.begin();
      Taken a = taken(ledger, batch, "a-" + n);
      Taken b = taken(ledger, batch, "b-" + n);
      // the batch's session ends under it, as when the database restarts
      String session =
          ledger
              .jdbc()
              .query(
                  db.equals("h2") ? "SELECT SESSION_ID()" : "SELECT pg_backend_pid()",
                  rs -> rs.next() ? rs.getString(1) : null);
      seen(
          url,
          user(db),
          db.equals("h2") ? "SELECT ABORT_SESSION(?)" : "SELECT pg_terminate_backend(?)",
          Integer.parseInt(session));

      assertThat(batch.end()).as("the poll's files must be offered again").isFalse();
      for (Taken t : List.of(a, b)) {
        assertThat(stateSeen(url, user(db), t.id())).isNull();
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgres"})
  void twoBatchesLandingTheSameBytesAtOnceMakeOneDuplicate(String db) throws Exception {
    String url = databases.url(db);
    String n = db + "-" + System.nanoTime();
    String sha = String.format("%064x", System.nanoTime());
    try (Ledger ledger = Ledger.open(url, user(db), "")) {
      PollBatch local = new PollBatch(ledger, 100, 60_000);
      PollBatch sftp = new PollBatch(ledger, 100, 60_000);
      local.begin();
      Taken a = claim(ledger, "local", "a-" + n, sha);
      assertThat(ledger.landed(a.id(), "/landing/" + sha, sha)).isEmpty();
      // the SFTP intake, on a thread of its own, lands the same bytes before the inbox's commit
      var other = Executors.newSingleThreadExecutor();
      try {
        Future<Long> bDuplicateOf =
            other.submit(
                () -> {
                  sftp.begin();
                  Taken b = claim(ledger, "sftp", "b-" + n, sha);
                  long of = ledger.landed(b.id(), "/landing/" + sha, sha).orElse(-1);
                  assertThat(sftp.end()).isTrue();
                  return of;
                });
        Thread.sleep(300);
        assertThat(bDuplicateOf).as("it waits for the first to commit").isNotDone();
        assertThat(local.end()).isTrue();
        assertThat(bDuplicateOf.get(30, TimeUnit.SECONDS)).isEqualTo(a.id());
      } finally {
        other.shutdownNow();
      }
      assertThat(
              seen(
                  url,
                  user(db),
                  "SELECT COUNT(*) FROM files WHERE sha256 = ? AND state = 'DUPLICATE'",
                  sha))
          .isEqualTo("1");
      assertThat(seen(url, user(db), "SELECT file_id FROM contents WHERE sha256 = ?", sha))
          .isEqualTo(Long.toString(a.id()));
    }
  }
}
