package dev.caravan.insight;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.ledger.Ledger;
import dev.caravan.ledger.LedgerException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * The season table in the ledger database: a row per summarized log ({@code log_summaries}) and the
 * days whose report is due ({@code insight_days}).
 */
public final class SeasonTable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Ledger ledger;

  public SeasonTable(Ledger ledger) {
    this.ledger = ledger;
  }

  /** One log's row: who it is, its day, its match and its tally. */
  public record Row(
      long fileId,
      String name,
      String source,
      String sourcePath,
      Instant start,
      LocalDate day,
      MatchInfo info,
      PowerTally tally) {

    public LogSummary summary() {
      return new LogSummary(name, start, tally, info);
    }
  }

  /** Records (or replaces) a log's row and marks its day for a new report, in one transaction. */
  public void record(Row row) {
    LogSummary summary = row.summary();
    String tally;
    try {
      tally = JSON.writeValueAsString(row.tally());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    PowerTally.Fit fit = row.tally().fit();
    Timestamp now = Timestamp.from(Instant.now());
    ledger.transaction(
        "the summary of file " + row.fileId(),
        c -> {
          try (PreparedStatement d =
              c.prepareStatement("DELETE FROM log_summaries WHERE file_id = ?")) {
            d.setLong(1, row.fileId());
            d.executeUpdate();
          }
          try (PreparedStatement s =
              c.prepareStatement(
                  "INSERT INTO log_summaries (file_id, name, source, source_path, log_start,"
                      + " log_day, event_name, match_type, match_number, match_replay, battery,"
                      + " records, enabled_s, v_min, brownout_events, energy_wh, i_peak,"
                      + " resistance_mohm, tally, summary, recorded_at) VALUES (?, ?, ?, ?, ?, ?,"
                      + " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            int i = 0;
            s.setLong(++i, row.fileId());
            s.setString(++i, row.name());
            s.setString(++i, row.source());
            s.setString(++i, row.sourcePath());
            s.setTimestamp(++i, row.start() == null ? null : Timestamp.from(row.start()));
            s.setString(++i, row.day().toString());
            s.setString(++i, row.info().eventName());
            s.setString(++i, row.info().matchType());
            setInt(s, ++i, row.info().matchNumber());
            setInt(s, ++i, row.info().matchReplay());
            s.setString(++i, row.info().battery());
            s.setLong(++i, row.tally().records());
            s.setDouble(++i, row.tally().enabledS());
            setDouble(s, ++i, row.tally().vMin());
            s.setLong(++i, row.tally().brownoutEvents());
            s.setDouble(++i, row.tally().energyWh());
            setDouble(s, ++i, row.tally().iPeak());
            setDouble(s, ++i, fit != null && fit.usable() ? fit.resistanceMohm() : null);
            s.setString(++i, tally);
            s.setString(++i, new String(summary.toJson(), java.nio.charset.StandardCharsets.UTF_8));
            s.setTimestamp(++i, now);
            s.executeUpdate();
          }
          dayChanged(c, row.day(), now);
          return null;
        });
  }

  private static void dayChanged(Connection c, LocalDate day, Timestamp now) throws SQLException {
    try (PreparedStatement u =
        c.prepareStatement("UPDATE insight_days SET changed_at = ? WHERE log_day = ?")) {
      u.setTimestamp(1, now);
      u.setString(2, day.toString());
      if (u.executeUpdate() == 0) {
        try (PreparedStatement s =
            c.prepareStatement("INSERT INTO insight_days (log_day, changed_at) VALUES (?, ?)")) {
          s.setString(1, day.toString());
          s.setTimestamp(2, now);
          s.executeUpdate();
        }
      }
    }
  }

  /** The rows, oldest log first; filtered by the day when {@code day} is given. */
  public List<Row> rows(LocalDate day) {
    return day == null ? rows("", null) : rows(" WHERE log_day = ?", day.toString());
  }

  /** The row of a file, if it was summarized. */
  public java.util.Optional<Row> row(long fileId) {
    return rows(" WHERE file_id = ?", fileId).stream().findFirst();
  }

  private List<Row> rows(String where, Object arg) {
    String sql =
        "SELECT file_id, name, source, source_path, log_start, log_day, event_name, match_type,"
            + " match_number, match_replay, battery, tally FROM log_summaries"
            + where
            + " ORDER BY log_start, file_id";
    try (Connection c = ledger.dataSource().getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      if (arg != null) {
        s.setObject(1, arg);
      }
      List<Row> rows = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          Timestamp start = rs.getTimestamp(5);
          rows.add(
              new Row(
                  rs.getLong(1),
                  rs.getString(2),
                  rs.getString(3),
                  rs.getString(4),
                  start == null ? null : start.toInstant(),
                  LocalDate.parse(rs.getString(6)),
                  new MatchInfo(
                      rs.getString(8),
                      (Integer) rs.getObject(9, Integer.class),
                      (Integer) rs.getObject(10, Integer.class),
                      rs.getString(7),
                      rs.getString(11)),
                  JSON.readValue(rs.getString(12), PowerTally.class)));
        }
      }
      return rows;
    } catch (SQLException e) {
      throw new LedgerException("cannot read the season table", e);
    } catch (IOException e) {
      throw new UncheckedIOException("a tally in the season table cannot be read", e);
    }
  }

  /**
   * The landed copies of the files of a source with this name and header time, newest first: a
   * log's {@code .dsevents} has the same name and the same header time as the log, whatever the
   * source calls them (a Drive file id, a path).
   */
  public List<String> landedCopies(String source, String name, Instant logStart) {
    // the ledger keeps microseconds (rounded by some databases): within a millisecond is the same
    return landingPaths(
        "source = ? AND name = ? AND log_start BETWEEN ? AND ?",
        source,
        name,
        Timestamp.from(logStart.minusMillis(1)),
        Timestamp.from(logStart.plusMillis(1)));
  }

  /** The landed copies of a source's file, newest version first. */
  public List<String> landedCopies(String source, String sourcePath) {
    return landingPaths("source = ? AND source_path = ?", source, sourcePath);
  }

  private List<String> landingPaths(String where, Object... args) {
    try (Connection c = ledger.dataSource().getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT landing_path FROM files WHERE "
                    + where
                    + " AND landing_path IS NOT NULL ORDER BY id DESC")) {
      for (int k = 0; k < args.length; k++) {
        s.setObject(k + 1, args[k]);
      }
      List<String> paths = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          paths.add(rs.getString(1));
        }
      }
      return paths;
    } catch (SQLException e) {
      throw new LedgerException("cannot read the ledger's files", e);
    }
  }

  /**
   * Days whose summaries changed since their last report and have been quiet since {@code before}.
   */
  public List<LocalDate> daysDue(Instant before) {
    List<LocalDate> days = new ArrayList<>();
    try (Connection c = ledger.dataSource().getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT log_day FROM insight_days WHERE changed_at <= ? AND (reported_at IS NULL"
                    + " OR reported_at < changed_at) ORDER BY log_day")) {
      s.setTimestamp(1, Timestamp.from(before));
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          days.add(LocalDate.parse(rs.getString(1)));
        }
      }
      return days;
    } catch (SQLException e) {
      throw new LedgerException("cannot read the insight days", e);
    }
  }

  /** The day's report is made (as the ledger's file {@code fileId}), as of {@code asOf}. */
  public void reported(LocalDate day, long fileId, Instant asOf) {
    ledger.transaction(
        "the report of " + day,
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "UPDATE insight_days SET reported_at = ?, report_file_id = ? WHERE log_day = ?")) {
            s.setTimestamp(1, Timestamp.from(asOf));
            s.setLong(2, fileId);
            s.setString(3, day.toString());
            s.executeUpdate();
          }
          return null;
        });
  }

  private static void setInt(PreparedStatement s, int i, Integer v) throws SQLException {
    if (v == null) {
      s.setNull(i, Types.INTEGER);
    } else {
      s.setInt(i, v);
    }
  }

  private static void setDouble(PreparedStatement s, int i, Double v) throws SQLException {
    if (v == null) {
      s.setNull(i, Types.DOUBLE);
    } else {
      s.setDouble(i, v);
    }
  }
}
