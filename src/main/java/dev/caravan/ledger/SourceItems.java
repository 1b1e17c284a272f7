package dev.caravan.ledger;

import static dev.caravan.ledger.Jdbc.UNIQUE_VIOLATION;
import static dev.caravan.ledger.Jdbc.bind;
import static dev.caravan.ledger.Jdbc.clip;
import static dev.caravan.ledger.Jdbc.now;
import static dev.caravan.ledger.Jdbc.update;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;

/**
 * What a remote source (Google Drive) showed in its listings, kept so a restart does not reset it
 * ({@code source_items}): the stability gate's count of polls that showed a version unchanged, and
 * the failed downloads of each version.
 */
public final class SourceItems {

  private final Jdbc jdbc;

  SourceItems(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * The stability gate of a remote source: records that a poll showed this version of an item and
   * returns how many consecutive polls showed it unchanged (1 for a new or changed version).
   */
  public int observe(
      String source, String itemId, String path, long size, String md5, String modified) {
    Timestamp now = now();
    for (int attempt = 0; ; attempt++) {
      try (Connection c = jdbc.connection()) {
        if (update(
                c,
                "UPDATE source_items SET seen_polls = seen_polls + 1, path = ?, updated_at = ?"
                    + " WHERE source = ? AND item_id = ? AND size = ? AND md5 = ? AND modified = ?",
                clip(path),
                now,
                source,
                itemId,
                size,
                md5,
                modified)
            == 1) {
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT seen_polls FROM source_items WHERE source = ? AND item_id = ?")) {
            bind(s, source, itemId);
            try (ResultSet rs = s.executeQuery()) {
              return rs.next() ? rs.getInt(1) : 1;
            }
          }
        }
        // new, or another version: the count starts again, and so do the failed downloads
        if (update(
                c,
                "UPDATE source_items SET seen_polls = 1, attempts = 0, last_error = NULL, path = ?,"
                    + " size = ?, md5 = ?, modified = ?, updated_at = ? WHERE source = ? AND"
                    + " item_id = ?",
                clip(path),
                size,
                md5,
                modified,
                now,
                source,
                itemId)
            == 0) {
          update(
              c,
              "INSERT INTO source_items (source, item_id, path, size, md5, modified, seen_polls,"
                  + " attempts, first_seen, updated_at) VALUES (?, ?, ?, ?, ?, ?, 1, 0, ?, ?)",
              source,
              itemId,
              clip(path),
              size,
              md5,
              modified,
              now,
              now);
        }
        return 1;
      } catch (SQLException e) {
        if (!UNIQUE_VIOLATION.equals(e.getSQLState()) || attempt > 0) {
          throw new LedgerException("cannot record " + source + " item " + itemId, e);
        }
        // another poller inserted it at the same moment: count again
      }
    }
  }

  /** Records a failed download of an item's current version; returns the failures so far. */
  public int downloadFailed(String source, String itemId, String error) {
    try (Connection c = jdbc.connection()) {
      update(
          c,
          "UPDATE source_items SET attempts = attempts + 1, last_error = ?, updated_at = ? WHERE"
              + " source = ? AND item_id = ?",
          clip(error),
          now(),
          source,
          itemId);
    } catch (SQLException e) {
      throw new LedgerException("cannot record a failed download of " + itemId, e);
    }
    return jdbc.query(
        "SELECT attempts FROM source_items WHERE source = ? AND item_id = ?",
        rs -> rs.next() ? rs.getInt(1) : 0,
        source,
        itemId);
  }
}
