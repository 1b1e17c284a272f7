package dev.caravan.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ledger's schema survives what H2 does not roll back: a kill -9 part-way through a migration,
 * the failed migration an earlier version then recorded, and two processes opening one ledger at
 * once. The earlier scripts are rebuilt from today's (the same statements without {@code IF NOT
 * EXISTS}) and must give the checksums earlier ledgers recorded.
 */
class MigrationsTest {

  private static final String[] SCRIPTS = {
    "V1__ledger.sql",
    "V2__delivery_queue.sql",
    "V3__retention.sql",
    "V4__source_items.sql",
    "V5__completeness.sql",
    "V6__leader_leases.sql",
    "V7__insight.sql",
    "V8__contents.sql"
  };
  private static final String NOTE =
      "-- Every statement may run again: a kill -9 in the middle of a migration (H2 commits each DDL\n"
          + "-- statement on its own) leaves part of it done, and the next start completes it"
          + " (ledger/Migrations).\n";

  @TempDir Path tmp;

  @Test
  void everyScriptRunsTwiceOnH2AndPostgres() throws Exception {
    String h2 = "jdbc:h2:file:" + tmp.resolve("twice") + ";AUTO_SERVER=TRUE";
    Ledger.open(h2, "sa", "").close();
    try (Connection c = DriverManager.getConnection(h2, "sa", "")) {
      runAll(c);
    }
    try (var pg = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder().start()) {
      String url = pg.getJdbcUrl("postgres", "postgres").replace("localhost", "127.0.0.1");
      Ledger.open(url, "postgres", "").close();
      try (Connection c = DriverManager.getConnection(url, "postgres", "")) {
        runAll(c);
      }
    }
  }

  @Test
  void theEarlierScriptsGiveTheChecksumsEarlierLedgersRecorded() throws Exception {
    Path earlier = earlierScripts();
    Flyway flyway =
        Flyway.configure()
            .dataSource("jdbc:h2:mem:earlier;DB_CLOSE_DELAY=-1", "sa", "")
            .locations("filesystem:" + earlier)
            .load();
    flyway.migrate();
    Map<String, Integer> sums = new TreeMap<>();
    for (MigrationInfo m : flyway.info().applied()) {
      sums.put(m.getVersion().getVersion(), m.getChecksum());
    }
    assertThat(sums)
        .containsEntry("1", 503120186)
        .containsEntry("2", 269430477)
        .containsEntry("3", -1061108247)
        .containsEntry("4", 2074340335)
        .containsEntry("5", 449447166)
        .containsEntry("6", -856541635);
  }

  /** Killed after part of V2: the columns added so far exist, Flyway has no row for V2. */
  @Test
  void aMigrationCutPartWayIsCompletedAtTheNextStart() throws Exception {
    String url = "jdbc:h2:file:" + tmp.resolve("cut");
    Flyway.configure()
        .dataSource(url, "sa", "")
        .locations("classpath:db/migration")
        .target("1")
        .load()
        .migrate();
    try (Connection c = DriverManager.getConnection(url, "sa", "")) {
      List<String> v2 = statements(resource("V2__delivery_queue.sql"));
      for (String sql : v2.subList(0, 3)) {
        c.createStatement().execute(sql);
      }
    }
    try (Ledger ledger = Ledger.open(url, "sa", "")) {
      assertThat(columns(ledger, "DELIVERIES")).contains("LOCAL_PATH", "CLAIMED_BY");
      assertThat(columns(ledger, "FILES")).contains("LOCKED", "LOCAL_DELETED_AT");
      assertThat(successfulVersions(ledger))
          .containsExactly("1", "2", "3", "4", "5", "6", "7", "8");
    }
  }

  /**
   * What an earlier version left after that kill: its V2 could not run again ("duplicate column")
   * and Flyway recorded it failed, refusing every start since. Now it is repaired and completed.
   */
  @Test
  void aFailedMigrationAnEarlierVersionRecordedIsRepaired() throws Exception {
    String url = "jdbc:h2:file:" + tmp.resolve("failed");
    Path earlier = earlierScripts();
    Flyway old =
        Flyway.configure().dataSource(url, "sa", "").locations("filesystem:" + earlier).load();
    Flyway.configure()
        .dataSource(url, "sa", "")
        .locations("filesystem:" + earlier)
        .target("1")
        .load()
        .migrate();
    try (Connection c = DriverManager.getConnection(url, "sa", "")) {
      c.createStatement().execute(statements(resource("V2__delivery_queue.sql")).get(0));
    }
    assertThatThrownBy(old::migrate).hasMessageContaining("LOCAL_PATH");
    assertThatThrownBy(old::migrate).hasMessageContaining("failed migration to version 2");

    try (Ledger ledger = Ledger.open(url, "sa", "")) {
      assertThat(successfulVersions(ledger))
          .containsExactly("1", "2", "3", "4", "5", "6", "7", "8");
      assertThat(columns(ledger, "DELIVERIES")).contains("LOCAL_PATH", "NEXT_ATTEMPT_AT");
    }
  }

  @Test
  void aLedgerMadeWithTheEarlierScriptsOpens() throws Exception {
    String url = "jdbc:h2:file:" + tmp.resolve("earlier");
    Flyway.configure()
        .dataSource(url, "sa", "")
        .locations("filesystem:" + earlierScripts())
        .load()
        .migrate();
    try (Ledger ledger = Ledger.open(url, "sa", "")) {
      assertThat(successfulVersions(ledger))
          .containsExactly("1", "2", "3", "4", "5", "6", "7", "8");
    }
  }

  /** A checksum that is neither today's nor the earlier one is someone's edit: still refused. */
  @Test
  void anUnknownChecksumIsStillRefused() throws Exception {
    String url = "jdbc:h2:file:" + tmp.resolve("edited");
    Ledger.open(url, "sa", "").close();
    try (Connection c = DriverManager.getConnection(url, "sa", "")) {
      c.createStatement()
          .execute(
              "UPDATE \"flyway_schema_history\" SET \"checksum\" = 42 WHERE \"version\" = '3'");
    }
    assertThatThrownBy(() -> Ledger.open(url, "sa", "").close())
        .isInstanceOf(LedgerException.class)
        .hasMessageContaining("checksum mismatch");
  }

  /** The app and an admin command opening a new ledger together: each waits its turn. */
  @Test
  void ledgersOpenedTogetherBothStart() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      for (int round = 0; round < 8; round++) {
        String url = "jdbc:h2:file:" + tmp.resolve("together" + round) + ";AUTO_SERVER=TRUE";
        List<Future<List<String>>> opened = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
          opened.add(
              pool.submit(
                  () -> {
                    try (Ledger ledger = Ledger.open(url, "sa", "")) {
                      return successfulVersions(ledger);
                    }
                  }));
        }
        for (Future<List<String>> f : opened) {
          assertThat(f.get()).containsExactly("1", "2", "3", "4", "5", "6", "7", "8");
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private Path earlierScripts() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("earlier-scripts"));
    for (String name : SCRIPTS) {
      String text = resource(name);
      if (name.compareTo("V7") < 0) { // V7 on were written re-runnable
        assertThat(text).startsWith(NOTE);
        text = text.substring(NOTE.length()).replace("IF NOT EXISTS ", "");
      }
      Files.writeString(dir.resolve(name), text);
    }
    return dir;
  }

  private static void runAll(Connection c) throws Exception {
    for (String name : SCRIPTS) {
      for (String sql : statements(resource(name))) {
        try (Statement s = c.createStatement()) {
          s.execute(sql);
        } catch (java.sql.SQLException e) {
          throw new AssertionError(name + " cannot run again: " + sql, e);
        }
      }
    }
  }

  private static String resource(String name) throws Exception {
    try (InputStream in = MigrationsTest.class.getResourceAsStream("/db/migration/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** The script's statements: comments dropped, split at the semicolons ending a line. */
  private static List<String> statements(String script) {
    StringBuilder text = new StringBuilder();
    for (String line : script.split("\n")) {
      int comment = line.indexOf("--");
      text.append(comment >= 0 ? line.substring(0, comment) : line).append('\n');
    }
    List<String> out = new ArrayList<>();
    for (String s : text.toString().split(";\\s*\n")) {
      if (!s.isBlank()) {
        out.add(s.strip());
      }
    }
    return out;
  }

  private static List<String> columns(Ledger ledger, String table) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = ledger.dataSource().getConnection();
        ResultSet r = c.getMetaData().getColumns(null, null, table, null)) {
      while (r.next()) {
        out.add(r.getString("COLUMN_NAME"));
      }
    }
    return out;
  }

  private static List<String> successfulVersions(Ledger ledger) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = ledger.dataSource().getConnection();
        ResultSet r =
            c.createStatement()
                .executeQuery(
                    "SELECT \"version\" FROM \"flyway_schema_history\" WHERE \"success\" AND \"version\" IS NOT NULL"
                        + " ORDER BY \"installed_rank\"")) {
      while (r.next()) {
        out.add(r.getString(1));
      }
    }
    return out;
  }
}
