package dev.caravan.console;

import dev.caravan.ledger.Ledger;
import dev.caravan.ledger.LedgerException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The ledger as the console reads it: pages of files, the event stream, figures per place. */
public final class ConsoleQueries {

  private final Ledger ledger;

  public ConsoleQueries(Ledger ledger) {
    this.ledger = ledger;
  }

  /** Rows as maps of column label (lower case) to value; instants as ISO-8601 text. */
  List<Map<String, Object>> rows(String sql, Object... args) {
    try (Connection c = ledger.dataSource().getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        s.setObject(i + 1, args[i] instanceof Instant t ? Timestamp.from(t) : args[i]);
      }
      List<Map<String, Object>> out = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        int n = rs.getMetaData().getColumnCount();
        while (rs.next()) {
          Map<String, Object> row = new LinkedHashMap<>();
          for (int i = 1; i <= n; i++) {
            Object v = rs.getObject(i);
            if (v instanceof Timestamp t) {
              v = t.toInstant().toString();
            } else if (v instanceof java.time.OffsetDateTime t) {
              v = t.toInstant().toString();
            } else if (v instanceof java.time.temporal.TemporalAccessor t
                && !(v instanceof java.time.LocalDate)) {
              v = v.toString();
            }
            row.put(rs.getMetaData().getColumnLabel(i).toLowerCase(java.util.Locale.ROOT), v);
          }
          out.add(row);
        }
      }
      return out;
    } catch (SQLException e) {
      throw new LedgerException("console query failed: " + sql, e);
    }
  }

  static final String FILE_COLUMNS =
      "id, source, source_path, name, size, sha256, kind, state, first_seen, log_start,"
          + " duplicate_of, error, landing_path";

  /**
   * Files newest first, after the file id {@code before} (exclusive; null: from the newest), at
   * most {@code limit}, filtered by state, source and a text in the name or path.
   */
  public List<Map<String, Object>> files(
      String state, String source, String q, Long before, int limit) {
    StringBuilder sql = new StringBuilder("SELECT " + FILE_COLUMNS + " FROM files WHERE 1 = 1");
    List<Object> args = new ArrayList<>();
    if (state != null) {
      sql.append(" AND state = ?");
      args.add(state);
    }
    if (source != null) {
      sql.append(" AND source = ?");
      args.add(source);
    }
    if (q != null) {
      sql.append(" AND (LOWER(name) LIKE ? OR LOWER(source_path) LIKE ?)");
      String like = "%" + q.toLowerCase(java.util.Locale.ROOT).replace("%", "") + "%";
      args.add(like);
      args.add(like);
    }
    if (before != null) {
      sql.append(" AND id < ?");
      args.add(before);
    }
    sql.append(" ORDER BY id DESC LIMIT ").append(limit);
    return rows(sql.toString(), args.toArray());
  }

  public Map<String, Object> file(long id) {
    return first(rows("SELECT " + FILE_COLUMNS + " FROM files WHERE id = ?", id));
  }

  public List<Map<String, Object>> history(long fileId) {
    return rows(
        "SELECT id, at, event, detail FROM file_events WHERE file_id = ? ORDER BY id", fileId);
  }

  public List<Map<String, Object>> deliveries(long fileId) {
    return rows(
        "SELECT id, artifact, name, destination, state, attempts, remote_path, verified_at,"
            + " verify_method, error_class, last_error FROM deliveries WHERE file_id = ? ORDER BY"
            + " id",
        fileId);
  }

  public Map<String, Object> delivery(long id) {
    return first(rows("SELECT id, file_id, destination, state FROM deliveries WHERE id = ?", id));
  }

  /** The ledger's events after {@code afterId}, oldest first, with the file's name. */
  public List<Map<String, Object>> eventsAfter(long afterId, int limit) {
    return rows(
        "SELECT e.id, e.at, e.event, e.file_id, f.name AS file, f.source, e.detail FROM file_events"
            + " e LEFT JOIN files f ON f.id = e.file_id WHERE e.id > ? ORDER BY e.id LIMIT "
            + limit,
        afterId);
  }

  /** The ledger's events whose ids are in these ranges (from..to of each), oldest first. */
  public List<Map<String, Object>> eventsIn(List<EventCursor.Hole> ranges, int limit) {
    StringBuilder where = new StringBuilder();
    Object[] args = new Object[2 * ranges.size()];
    for (int i = 0; i < ranges.size(); i++) {
      where.append(i == 0 ? "" : " OR ").append("e.id BETWEEN ? AND ?");
      args[2 * i] = ranges.get(i).from();
      args[2 * i + 1] = ranges.get(i).to();
    }
    return rows(
        "SELECT e.id, e.at, e.event, e.file_id, f.name AS file, f.source, e.detail FROM file_events"
            + " e LEFT JOIN files f ON f.id = e.file_id WHERE "
            + where
            + " ORDER BY e.id LIMIT "
            + limit,
        args);
  }

  /** The newest event id, or 0. */
  public long lastEventId() {
    List<Map<String, Object>> r = rows("SELECT MAX(id) AS m FROM file_events");
    Object m = r.get(0).get("m");
    return m == null ? 0 : ((Number) m).longValue();
  }

  /** Per source: files by state, files first seen since {@code since}, the newest file. */
  public List<Map<String, Object>> sources(Instant since) {
    return rows(
        "SELECT source, COUNT(*) AS files, SUM(CASE WHEN first_seen >= ? THEN 1 ELSE 0 END) AS"
            + " files_today, SUM(CASE WHEN state = 'FAILED' THEN 1 ELSE 0 END) AS failed,"
            + " MAX(first_seen) AS last_file FROM files GROUP BY source ORDER BY source",
        since);
  }

  /** Per destination: backlog, oldest pending, verified since, quarantined. */
  public List<Map<String, Object>> destinations(Instant since) {
    return rows(
        "SELECT destination, SUM(CASE WHEN state NOT IN ('VERIFIED', 'QUARANTINED') THEN 1 ELSE 0"
            + " END) AS backlog, MIN(CASE WHEN state NOT IN ('VERIFIED', 'QUARANTINED') THEN"
            + " updated_at END) AS oldest_pending, SUM(CASE WHEN state = 'VERIFIED' AND"
            + " verified_at >= ? THEN 1 ELSE 0 END) AS verified_today, SUM(CASE WHEN state ="
            + " 'QUARANTINED' THEN 1 ELSE 0 END) AS quarantined FROM deliveries GROUP BY"
            + " destination ORDER BY destination",
        since);
  }

  /** The last failed attempt at a destination: its class, message and when. */
  public Map<String, Object> lastError(String destination) {
    return first(
        rows(
            "SELECT error_class, last_error, updated_at FROM deliveries WHERE destination = ? AND"
                + " last_error IS NOT NULL ORDER BY updated_at DESC LIMIT 1",
            destination));
  }

  private static Map<String, Object> first(List<Map<String, Object>> rows) {
    return rows.isEmpty() ? null : rows.get(0);
  }

  public List<Map<String, Object>> leases() {
    return rows("SELECT name, holder, renewed_at FROM leader_leases ORDER BY name");
  }

  public List<Map<String, Object>> counts() {
    return rows("SELECT state, COUNT(*) AS n FROM files GROUP BY state ORDER BY state");
  }
}
