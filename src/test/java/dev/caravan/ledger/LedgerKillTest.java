package dev.caravan.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded (H2) ledger keeps what it acknowledged through a kill -9: a child JVM records claims
 * as fast as it can and prints each one once the ledger returned; it is killed mid-stream, and
 * every printed claim must be in the ledger when it is opened again. (With H2's default write delay
 * about a second of them was lost.)
 */
class LedgerKillTest {

  @TempDir Path tmp;

  /** The child: claims files 1, 2, 3, … and prints each id once the claim has returned. */
  public static void main(String[] args) throws Exception {
    try (Ledger ledger = Ledger.open(Ledger.url("", Path.of(args[0])), "sa", "")) {
      for (int i = 1; ; i++) {
        ledger.claim(new FileKey("kill", "f" + i, "%064x".formatted(i)), "f" + i, i, "other");
        System.out.println("claimed f" + i);
        System.out.flush();
      }
    }
  }

  @Test
  void everyAcknowledgedClaimSurvivesAKill() throws Exception {
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                LedgerKillTest.class.getName(),
                tmp.toString())
            .redirectErrorStream(true)
            .start();
    Set<String> acknowledged = new HashSet<>();
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null && System.nanoTime() < until) {
        if (line.startsWith("claimed ")) {
          acknowledged.add(line.substring(8));
          if (acknowledged.size() == 2000) {
            child.destroyForcibly(); // kill -9 in the middle of the stream
            break;
          }
        }
      }
    }
    child.waitFor(30, TimeUnit.SECONDS);
    assertThat(acknowledged).as("claims made before the kill").hasSize(2000);
    try (Ledger ledger = Ledger.open(Ledger.url("", tmp), "sa", "")) {
      Set<String> kept = new HashSet<>();
      for (FileRow f : ledger.files()) {
        kept.add(f.sourcePath());
      }
      assertThat(kept).containsAll(acknowledged);
    }
  }
}
