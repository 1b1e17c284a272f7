package dev.caravan.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded ledger, written at every commit, does not keep every commit's chunk: with its upkeep
 * the file stays a fraction of what the same commits make without it, and every row is there.
 */
class LedgerUpkeepTest {

  @TempDir Path tmp;

  private static final int COMMITS = 3000;

  /**
   * The ledger file's size after the commits, while it is open (closing compacts it), upkeep run
   * every {@code every} commits (0: never).
   */
  private long fileAfterCommits(Path dir, int every) throws Exception {
    String url = Ledger.url("", dir);
    long size;
    try (Ledger ledger = Ledger.open(url, "sa", "")) {
      for (int i = 0; i < COMMITS; i++) {
        ledger.claim(new FileKey("upkeep", "f" + i, "%064x".formatted(i)), "f" + i, i, "other");
        if (every > 0 && (i + 1) % every == 0) {
          ledger.upkeep();
        }
      }
      assertThat(ledger.files()).hasSize(COMMITS);
      size = Files.size(dir.resolve("ledger.mv.db"));
    }
    try (Ledger again = Ledger.open(url, "sa", "")) {
      assertThat(again.files()).as("every row after a reopen").hasSize(COMMITS);
    }
    return size;
  }

  @Test
  void upkeepKeepsTheFileFromGrowingWithEveryCommit() throws Exception {
    long without = fileAfterCommits(Files.createDirectories(tmp.resolve("without")), 0);
    long with = fileAfterCommits(Files.createDirectories(tmp.resolve("with")), 500);
    assertThat(with).as("with upkeep %d bytes, without %d", with, without).isLessThan(without / 3);
  }

  @Test
  void onlyAnH2FileWrittenAtEveryCommitIsKeptUp() {
    assertThat(H2Upkeep.forUrl(Ledger.durable("jdbc:h2:file:/d/ledger;AUTO_SERVER=TRUE")))
        .isNotNull();
    assertThat(Ledger.durable("jdbc:h2:file:/d/ledger"))
        .endsWith(";WRITE_DELAY=0;RETENTION_TIME=0");
    assertThat(Ledger.durable("jdbc:h2:file:/d/ledger;WRITE_DELAY=500"))
        .isEqualTo("jdbc:h2:retry:file:/d/ledger;WRITE_DELAY=500;QUERY_CACHE_SIZE=128");
    assertThat(Ledger.durable("jdbc:h2:/d/ledger")).startsWith("jdbc:h2:retry:/d/ledger;");
    assertThat(H2Upkeep.forUrl(Ledger.durable("jdbc:h2:/d/ledger"))).isNotNull();
    assertThat(Ledger.durable("jdbc:h2:mem:x")).isEqualTo("jdbc:h2:mem:x;QUERY_CACHE_SIZE=128");
    assertThat(Ledger.durable("jdbc:h2:mem:x;query_cache_size=4"))
        .isEqualTo("jdbc:h2:mem:x;query_cache_size=4");
    assertThat(Ledger.durable("jdbc:postgresql://h/db")).isEqualTo("jdbc:postgresql://h/db");
    assertThat(H2Upkeep.forUrl("jdbc:h2:file:/d/ledger;WRITE_DELAY=500")).isNull();
    assertThat(H2Upkeep.forUrl("jdbc:h2:mem:x;WRITE_DELAY=0")).isNull();
    assertThat(H2Upkeep.forUrl("jdbc:postgresql://h/db")).isNull();
  }
}
