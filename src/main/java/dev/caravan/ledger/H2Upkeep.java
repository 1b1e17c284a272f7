package dev.caravan.ledger;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rewrites the sparse chunks of an embedded H2 ledger's store while the application runs.
 *
 * <p>The ledger is opened with {@code WRITE_DELAY=0} so that a commit is in the file before it
 * returns (a {@code kill -9} loses nothing acknowledged). H2 then writes a new chunk of its store
 * at every commit and, having no background writer, never rewrites the chunks that later commits
 * left mostly empty: measured, 20,000 commits grew the file to 685 MB. Rewriting them (MVStore's
 * own {@code compact}, what its background writer does with a write delay; through H2's store API,
 * pinned with H2's version in the POM) frees them, and {@code RETENTION_TIME=0} lets the space be
 * used again at once: 28 MB for the same commits. Only the process that holds the database does it.
 * Chunks are not moved (MVStore's {@code compactFile}, which would also shrink the file, trips an
 * assertion inside H2 when run on a live store), so the file is not cut short, only kept from
 * growing.
 */
final class H2Upkeep {

  private static final Logger LOG = LoggerFactory.getLogger("caravan");

  /** Chunks less full than this are rewritten. */
  private static final int TARGET_FILL_RATE = 90;

  /** At most this many bytes are rewritten at a time; the rest at the next upkeep. */
  private static final int MAX_REWRITE = 16 << 20;

  private H2Upkeep() {}

  /** For an H2 file ledger opened with {@code WRITE_DELAY=0}; null for any other. */
  static H2Upkeep forUrl(String url) {
    return Ledger.onDisk(url)
            && url.toUpperCase(java.util.Locale.ROOT).matches(".*;WRITE_DELAY=0(;.*)?")
        ? new H2Upkeep()
        : null;
  }

  /** True when chunks were rewritten. */
  synchronized boolean run(DataSource dataSource) {
    try (Connection c = dataSource.getConnection()) {
      // a client of another process's auto-server cannot reach the store: that process keeps it
      if (!(c.unwrap(org.h2.jdbc.JdbcConnection.class).getSession()
          instanceof org.h2.engine.SessionLocal session)) {
        return false;
      }
      return session.getDatabase().getStore().getMvStore().compact(TARGET_FILL_RATE, MAX_REWRITE);
    } catch (SQLException | RuntimeException e) {
      LOG.warn("cannot rewrite the ledger's sparse chunks: {}", e.toString());
      return false;
    }
  }
}
