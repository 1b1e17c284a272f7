package dev.caravan.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A ledger write from an interrupted thread (Camel interrupts an intake's poll when it stops the
 * consumer, and the poll's batch commits then) must not close the embedded ledger for everyone:
 * H2's file channel closes itself when its writer is interrupted.
 */
class LedgerInterruptTest {

  @TempDir Path tmp;

  @Test
  void aWriteFromAnInterruptedThreadLeavesTheLedgerOpen() throws Exception {
    try (Ledger ledger = Ledger.open(Ledger.url(null, tmp), "sa", "")) {
      AtomicReference<Throwable> failure = new AtomicReference<>();
      Thread writer =
          new Thread(
              () -> {
                Thread.currentThread().interrupt(); // as a stopping consumer's poll thread is
                try {
                  for (int i = 0; i < 20; i++) {
                    ledger.claim(
                        new FileKey("local", "f" + i, String.format("%064x", i)),
                        "f" + i,
                        1,
                        "bin");
                  }
                } catch (Throwable t) {
                  failure.set(t);
                }
              });
      writer.start();
      writer.join();
      // the ledger is still open for everyone, and the interrupted writer's claims all landed
      long before = ledger.files().size();
      assertThat(ledger.claim(new FileKey("local", "after", "ab".repeat(32)), "after", 1, "bin"))
          .isPresent();
      assertThat(ledger.files()).hasSize((int) before + 1);
      assertThat(failure.get()).as("the interrupted writer's claims").isNull();
      assertThat(ledger.files()).hasSize(21);
    }
  }
}
