package dev.caravan.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.ledger.Ledger;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link EventCursor}: an event written before the newest one the stream sent, but committed after
 * it (as an intake's poll batch does), is still sent, once; a missing id no transaction ever
 * commits is given up after the hold.
 */
class EventCursorTest {

  @TempDir Path tmp;

  private static List<String> details(List<Map<String, Object>> events) {
    return events.stream().map(e -> (String) e.get("detail")).toList();
  }

  @Test
  void anEventCommittedAfterALaterOneIsSentLateAndOnce() throws Exception {
    try (Ledger ledger =
        Ledger.open("jdbc:h2:file:" + tmp.resolve("ledger") + ";AUTO_SERVER=TRUE", "sa", "")) {
      ConsoleQueries queries = new ConsoleQueries(ledger);
      ledger.event(null, "note", "before");
      EventCursor cursor = new EventCursor(queries.lastEventId(), 60_000);

      // a poll batch on another thread writes its event and holds its commit
      CountDownLatch written = new CountDownLatch(1);
      CountDownLatch commit = new CountDownLatch(1);
      var batch = Executors.newSingleThreadExecutor();
      try {
        Future<?> done =
            batch.submit(
                () ->
                    ledger.inOneCommit(
                        () -> {
                          ledger.event(null, "note", "batched");
                          written.countDown();
                          commit.await(30, TimeUnit.SECONDS);
                          return null;
                        }));
        assertThat(written.await(30, TimeUnit.SECONDS)).isTrue();
        ledger.event(null, "note", "delivered"); // a later id, committed at once

        assertThat(details(cursor.next(queries, 500))).containsExactly("delivered");
        assertThat(cursor.holes()).hasSize(1);
        assertThat(details(cursor.next(queries, 500))).isEmpty();

        commit.countDown();
        done.get(30, TimeUnit.SECONDS);
        assertThat(details(cursor.next(queries, 500))).containsExactly("batched");
        assertThat(cursor.holes()).isEmpty();
        ledger.event(null, "note", "after");
        assertThat(details(cursor.next(queries, 500))).containsExactly("after");
      } finally {
        batch.shutdownNow();
      }
    }
  }

  @Test
  void anIdNeverCommittedIsGivenUpAfterTheHold() throws Exception {
    try (Ledger ledger =
        Ledger.open("jdbc:h2:file:" + tmp.resolve("ledger") + ";AUTO_SERVER=TRUE", "sa", "")) {
      ConsoleQueries queries = new ConsoleQueries(ledger);
      EventCursor cursor = new EventCursor(queries.lastEventId(), 200);
      try {
        ledger.inOneCommit(
            () -> {
              ledger.event(null, "note", "rolled back");
              throw new IllegalStateException("undone");
            });
      } catch (IllegalStateException expected) {
        // its id is taken, and never committed
      }
      ledger.event(null, "note", "kept");
      assertThat(details(cursor.next(queries, 500))).containsExactly("kept");
      assertThat(cursor.holes()).hasSize(1);
      Thread.sleep(400);
      assertThat(cursor.next(queries, 500)).isEmpty();
      assertThat(cursor.holes()).isEmpty();
    }
  }
}
