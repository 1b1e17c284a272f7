package dev.caravan.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The ledger's rules on its own (H2 in memory, the real migrations). */
class LedgerTest {

  private Ledger ledger;
  private static final String SHA =
      "9af1441c6d639cc7c23f90b10fbac76706ffeb15a9bf7e5dcf35ee366e769a71";

  @BeforeEach
  void open() {
    ledger = Ledger.open("jdbc:h2:mem:" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "sa", "");
  }

  @AfterEach
  void close() {
    ledger.close();
  }

  @Test
  void concurrentClaimsOfOneFileLetExactlyOneThrough() throws Exception {
    FileKey key = new FileKey("local", "a/x.dslog", SHA);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Callable<OptionalLong>> claims = new ArrayList<>();
      for (int i = 0; i < 32; i++) {
        claims.add(() -> ledger.claim(key, "x.dslog", 10, "dslog"));
      }
      long winners = 0;
      for (Future<OptionalLong> f : pool.invokeAll(claims)) {
        winners += f.get().isPresent() ? 1 : 0;
      }
      assertThat(winners).isEqualTo(1);
      assertThat(ledger.files()).hasSize(1);
      assertThat(ledger.contains(key)).isTrue();
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void releasedFilesAreTakenAgainOnceAndInterruptedOnesRecovered() {
    FileKey key = new FileKey("local", "x.dslog", SHA);
    long id = ledger.claim(key, "x.dslog", 10, "dslog").orElseThrow();
    ledger.release(key, "disk full");
    assertThat(ledger.contains(key)).isFalse();
    assertThat(ledger.claim(key, "x.dslog", 10, "dslog")).hasValue(id);
    assertThat(ledger.claim(key, "x.dslog", 10, "dslog")).isEmpty();
    // a stop in the middle leaves it RECEIVED; the next start gives it back
    assertThat(ledger.recoverInterrupted()).isEqualTo(1);
    assertThat(ledger.state(id)).isEqualTo(FileState.RETRY);
    assertThat(ledger.events(id))
        .extracting(EventRow::event)
        .containsExactly("received", "released", "retry", "interrupted");
  }

  @Test
  void keysRoundTripWhateverThePath() {
    FileKey key = new FileKey("local", "odd: name | with/colons:and spaces.dslog", SHA);
    assertThat(FileKey.decode(key.encode())).isEqualTo(key);
  }

  /** A name with a NUL (Drive allows one) on real PostgreSQL, which refuses NUL in text. */
  @Test
  void aNameWithNulIsRecordedOnPostgres() throws Exception {
    try (var pg = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder().start();
        Ledger onPostgres =
            Ledger.open(
                pg.getJdbcUrl("postgres", "postgres").replace("localhost", "127.0.0.1"),
                "postgres",
                "")) {
      FileKey key = new FileKey("drive", "id1:md5", SHA);
      long id = onPostgres.claim(key, "x\u0000y.dslog", 10, "dslog").orElseThrow();
      assertThat(onPostgres.files()).extracting(FileRow::name).containsExactly("x\u2400y.dslog");
      onPostgres.failed(id, "bad bytes in x\u0000y.dslog");
      assertThat(onPostgres.events(id)).anyMatch(e -> e.detail().contains("x\u2400y.dslog"));
    }
  }
}
