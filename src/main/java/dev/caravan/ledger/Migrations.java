package dev.caravan.ledger;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the ledger's schema up to date with Flyway ({@code db/migration}), safely on H2 too.
 *
 * <p>H2 commits each DDL statement on its own, so Flyway can neither roll a migration back nor hold
 * its lock across one. Hence, on H2: a kill -9 mid-migration leaves part of it done (the next start
 * re-runs it, which every script allows: {@code IF NOT EXISTS} throughout), a migration that then
 * failed is recorded as failed and would refuse every later start (it is repaired and run again),
 * and two processes opening one ledger at once (the app and {@code caravan ledger}) take turns on a
 * lock row of their own. PostgreSQL has transactional DDL and Flyway's advisory lock; the same
 * repair applies there, the lock row is not needed.
 */
final class Migrations {

  private static final Logger LOG = LoggerFactory.getLogger("caravan");

  /**
   * The checksums V1 to V6 had before they were made re-runnable (the same schema): a ledger made
   * with them is realigned, not refused. Any other mismatch still stops the start.
   */
  private static final Map<String, Integer> EARLIER_CHECKSUMS =
      Map.of(
          "1", 503120186,
          "2", 269430477,
          "3", -1061108247,
          "4", 2074340335,
          "5", 449447166,
          "6", -856541635);

  private static final long LOCK_WAIT_NANOS = TimeUnit.MINUTES.toNanos(2);

  private Migrations() {}

  static void apply(DataSource ds, String url) throws SQLException {
    if (!url.startsWith("jdbc:h2:")) {
      migrate(ds);
      return;
    }
    try (Connection lock = ds.getConnection()) {
      holdLock(lock);
      try {
        migrate(ds);
      } finally {
        lock.rollback(); // lets the next process in
      }
    }
  }

  private static void migrate(DataSource ds) {
    Flyway flyway = Flyway.configure().dataSource(ds).locations("classpath:db/migration").load();
    List<String> repairs = new ArrayList<>();
    boolean future = false;
    for (MigrationInfo m : flyway.info().applied()) {
      String version = m.getVersion() == null ? null : m.getVersion().getVersion();
      if (m.getState().name().startsWith("FUTURE")) {
        future = true;
      } else if (m.getState() == MigrationState.FAILED) {
        repairs.add("version " + version + " failed part-way, it runs again");
      } else if (m.getChecksum() != null
          && m.getChecksum().equals(EARLIER_CHECKSUMS.get(version))) {
        repairs.add("version " + version + " was recorded with its earlier, equivalent text");
      }
    }
    // repair would mark a newer app's migrations deleted: with those present, Flyway decides alone
    if (!repairs.isEmpty() && !future) {
      LOG.warn("Ledger schema history repaired: {}", String.join("; ", repairs));
      flyway.repair();
    }
    flyway.migrate();
  }

  /** Takes the lock row, waiting while another process migrates. */
  private static void holdLock(Connection c) throws SQLException {
    long end = System.nanoTime() + LOCK_WAIT_NANOS;
    while (true) {
      try {
        c.setAutoCommit(true);
        try (Statement s = c.createStatement()) {
          // in a schema of its own: Flyway refuses a non-empty schema it has no history for
          s.execute("CREATE SCHEMA IF NOT EXISTS caravan_migration");
          s.execute(
              "CREATE TABLE IF NOT EXISTS caravan_migration.lock_row (id INT NOT NULL PRIMARY KEY)");
          s.execute("MERGE INTO caravan_migration.lock_row (id) KEY (id) VALUES (1)");
        }
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
          s.executeQuery("SELECT id FROM caravan_migration.lock_row WHERE id = 1 FOR UPDATE")
              .close();
        }
        return;
      } catch (SQLException e) {
        if (!c.getAutoCommit()) {
          c.rollback();
        }
        if (System.nanoTime() > end) {
          throw e;
        }
        try {
          Thread.sleep(200);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }
}
