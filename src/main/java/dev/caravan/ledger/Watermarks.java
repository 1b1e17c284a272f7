package dev.caravan.ledger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The ledger's record of finalized periods (a source's day, complete at a destination) and the
 * "finalized until" watermark per source and destination.
 */
public final class Watermarks {

  /** A finalized period and its marker. */
  public record Period(
      String source,
      String destination,
      String period,
      int fileCount,
      long totalBytes,
      Long markerFileId,
      Instant verifiedAt) {}

  private final DataSource dataSource;

  public Watermarks(Ledger ledger) {
    this.dataSource = ledger.dataSource();
  }

  public List<Period> periods() {
    List<Period> out = new ArrayList<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT source, destination, period, file_count, total_bytes, marker_file_id,"
                    + " verified_at FROM finalized ORDER BY source, destination, period");
        ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        long marker = rs.getLong(6);
        Timestamp v = rs.getTimestamp(7);
        out.add(
            new Period(
                rs.getString(1),
                rs.getString(2),
                rs.getString(3),
                rs.getInt(4),
                rs.getLong(5),
                rs.wasNull() ? null : marker,
                v == null ? null : v.toInstant()));
      }
    } catch (SQLException e) {
      throw new LedgerException("cannot read the finalized periods", e);
    }
    return out;
  }

  /**
   * Records a period as finalized with its marker file; false when it already was (another replica,
   * or a run that overlapped).
   */
  public boolean finalize(
      String source, String destination, String period, int files, long bytes, long markerId) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "INSERT INTO finalized (source, destination, period, file_count, total_bytes,"
                    + " marker_file_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
      s.setString(1, source);
      s.setString(2, destination);
      s.setString(3, period);
      s.setInt(4, files);
      s.setLong(5, bytes);
      s.setLong(6, markerId);
      s.setTimestamp(7, Timestamp.from(Instant.now()));
      s.executeUpdate();
      return true;
    } catch (SQLException e) {
      if ("23505".equals(e.getSQLState())) {
        return false;
      }
      throw new LedgerException("cannot record " + source + " " + period + " as finalized", e);
    }
  }

  /** The marker of a period is verified at its destination. */
  public void markerVerified(String source, String destination, String period, Instant at) {
    update(
        "UPDATE finalized SET verified_at = ? WHERE source = ? AND destination = ? AND period = ?",
        Timestamp.from(at),
        source,
        destination,
        period);
  }

  /** Moves the watermark (never backwards). */
  public void advance(String source, String destination, String until) {
    Optional<String> now = watermark(source, destination);
    if (now.isPresent() && now.get().compareTo(until) >= 0) {
      return;
    }
    Timestamp at = Timestamp.from(Instant.now());
    if (now.isEmpty()) {
      update(
          "INSERT INTO watermarks (source, destination, finalized_until, updated_at) VALUES (?, ?,"
              + " ?, ?)",
          source,
          destination,
          until,
          at);
    } else {
      update(
          "UPDATE watermarks SET finalized_until = ?, updated_at = ? WHERE source = ? AND"
              + " destination = ?",
          until,
          at,
          source,
          destination);
    }
  }

  /** The first day not known complete, for a source at a destination. */
  public Optional<String> watermark(String source, String destination) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT finalized_until FROM watermarks WHERE source = ? AND destination = ?")) {
      s.setString(1, source);
      s.setString(2, destination);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new LedgerException("cannot read the watermark of " + source, e);
    }
  }

  private void update(String sql, Object... args) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        s.setObject(i + 1, args[i]);
      }
      s.executeUpdate();
    } catch (SQLException e) {
      throw new LedgerException("cannot update the completeness records", e);
    }
  }
}
