package dev.caravan.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The delivery queue's rules: claims, backoff, quarantine, requeue, locks. */
class DeliveryQueueTest {

  private static final String SHA =
      "9af1441c6d639cc7c23f90b10fbac76706ffeb15a9bf7e5dcf35ee366e769a71";

  private Ledger ledger;
  private DeliveryQueue queue;

  @BeforeEach
  void open() {
    ledger = Ledger.open("jdbc:h2:mem:q" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "sa", "");
    queue =
        new DeliveryQueue(
            ledger,
            new DeliveryQueue.Policy(
                3, Duration.ZERO, Duration.ofMillis(1), Duration.ofMinutes(5)));
  }

  @AfterEach
  void close() {
    ledger.close();
  }

  private long file(String path) {
    long id = ledger.claim(new FileKey("local", path, SHA), path, 10, "other").orElseThrow();
    queue.enqueue(
        id, "raw", Path.of("/landing/" + path), path, SHA, 10, null, List.of("archive", "sftp"));
    return id;
  }

  /** A batch's proven copies are recorded together, each with its path, method and event. */
  @Test
  void aBatchOfProvenCopiesIsRecordedInOneCommit() {
    List<Long> ids = List.of(file("a"), file("b"), file("c"));
    List<Delivery> claimed = queue.claim("sftp", 10);
    assertThat(claimed).hasSize(3);
    queue.verifiedAll(
        claimed.stream()
            .map(d -> new DeliveryQueue.Verified(d, "2026/" + d.name(), "ssh-openssl-sha256"))
            .toList());
    assertThat(ledger.deliveries())
        .filteredOn(d -> d.destination().equals("sftp"))
        .hasSize(3)
        .allSatisfy(
            d -> {
              assertThat(d.state()).isEqualTo(DeliveryState.VERIFIED);
              assertThat(d.remotePath()).isEqualTo("2026/" + d.fileName());
              assertThat(d.verifyMethod()).isEqualTo("ssh-openssl-sha256");
              assertThat(d.attempts()).isEqualTo(1);
            });
    assertThat(ledger.deliveries())
        .filteredOn(d -> d.destination().equals("archive"))
        .allMatch(d -> d.state() == DeliveryState.PENDING);
    for (long id : ids) {
      assertThat(ledger.events(id))
          .filteredOn(e -> e.event().equals("delivered"))
          .singleElement()
          .satisfies(e -> assertThat(e.detail()).contains("raw to sftp:2026/"));
    }
    assertThat(queue.claim("sftp", 10)).as("nothing left to claim").isEmpty();
  }

  @Test
  void concurrentClaimsNeverShareADelivery() throws Exception {
    for (int i = 0; i < 40; i++) {
      file("f" + i);
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<List<Delivery>>> claims = new ArrayList<>();
      java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
      for (int i = 0; i < 8; i++) {
        claims.add(
            pool.submit(
                () -> {
                  start.await();
                  return queue.claim("sftp", 10);
                }));
      }
      start.countDown();
      Set<Long> seen = new HashSet<>();
      int total = 0;
      for (Future<List<Delivery>> f : claims) {
        for (Delivery d : f.get()) {
          assertThat(seen.add(d.id())).as("claimed twice: %d", d.id()).isTrue();
          assertThat(d.destination()).isEqualTo("sftp");
          total++;
        }
      }
      // claimers that lost a race return fewer; what is left is claimed by the next rounds
      for (List<Delivery> more = queue.claim("sftp", 10);
          !more.isEmpty();
          more = queue.claim("sftp", 10)) {
        for (Delivery d : more) {
          assertThat(seen.add(d.id())).as("claimed twice: %d", d.id()).isTrue();
          total++;
        }
      }
      assertThat(total).isEqualTo(40);
      assertThat(queue.claim("sftp", 10)).as("all leased").isEmpty();
      assertThat(queue.claim("archive", 100)).hasSize(40);
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void failuresBackOffThenQuarantineAndRequeueBringsThemBack() throws Exception {
    long id = file("x");
    for (int attempt = 1; attempt <= 3; attempt++) {
      Thread.sleep(5); // the backoff of this policy is at most 1 ms
      List<Delivery> due = queue.claim("sftp", 10);
      assertThat(due).hasSize(1);
      DeliveryState state = queue.failed(due.get(0), "connection", false, "Connection refused");
      assertThat(state).isEqualTo(attempt < 3 ? DeliveryState.FAILED : DeliveryState.QUARANTINED);
    }
    Thread.sleep(5);
    assertThat(queue.claim("sftp", 10)).as("quarantined: waits for an operator").isEmpty();
    assertThat(queue.requeue("archive", null)).isZero();
    assertThat(queue.requeue("sftp", id)).isEqualTo(1);
    Delivery again = queue.claim("sftp", 10).get(0);
    assertThat(again.attempts()).isZero();
    queue.verified(again, "2026/x", "ssh-sha256sum");
    DeliveryRow row =
        ledger.deliveries().stream()
            .filter(d -> d.destination().equals("sftp"))
            .findFirst()
            .orElseThrow();
    assertThat(row.state()).isEqualTo(DeliveryState.VERIFIED);
    assertThat(row.verifyMethod()).isEqualTo("ssh-sha256sum");
    assertThat(row.lastError()).isNull();
  }

  @Test
  void aRefusedLoginIsQuarantinedOnTheSecondAttempt() throws Exception {
    file("x");
    assertThat(queue.failed(queue.claim("sftp", 1).get(0), "auth", true, "Auth fail"))
        .isEqualTo(DeliveryState.FAILED);
    Thread.sleep(5);
    assertThat(queue.failed(queue.claim("sftp", 1).get(0), "auth", true, "Auth fail"))
        .isEqualTo(DeliveryState.QUARANTINED);
    assertThat(ledger.deliveries())
        .filteredOn(d -> d.destination().equals("sftp"))
        .extracting(DeliveryRow::errorClass)
        .containsExactly("auth");
  }

  @Test
  void backoffDoublesUpToTheCapWithBoundedJitter() {
    DeliveryQueue q =
        new DeliveryQueue(
            ledger,
            new DeliveryQueue.Policy(
                10, Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ofMinutes(5)));
    for (int attempt = 1; attempt <= 12; attempt++) {
      long expected = Math.min(1000L << (attempt - 1), 60_000L);
      assertThat(q.backoff(attempt).toMillis()).isBetween(expected, expected + expected / 5);
    }
  }

  @Test
  void aLockedFileIsNeverClaimed() {
    long id = file("x");
    assertThat(ledger.lock(id, true)).isTrue();
    assertThat(queue.claim("archive", 10)).isEmpty();
    assertThat(ledger.lock(id, false)).isTrue();
    assertThat(queue.claim("archive", 10)).hasSize(1);
  }
}
