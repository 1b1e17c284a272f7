package dev.caravan.ledger;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

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

  private final Jdbc jdbc;

  public Watermarks(Ledger ledger) {
    this.jdbc = ledger.jdbc();
  }

  public List<Period> periods() {
    return jdbc.query(
        "SELECT source, destination, period, file_count, total_bytes, marker_file_id, verified_at"
            + " FROM finalized ORDER BY source, destination, period",
        rs -> {
          List<Period> out = new ArrayList<>();
          while (rs.next()) {
            long marker = rs.getLong(6);
            boolean noMarker = rs.wasNull();
            out.add(
                new Period(
                    rs.getString(1),
                    rs.getString(2),
                    rs.getString(3),
                    rs.getInt(4),
                    rs.getLong(5),
                    noMarker ? null : marker,
                    Jdbc.instant(rs.getTimestamp(7))));
          }
          return out;
        });
  }

  /**
   * Records a period as finalized with its marker file; false when it already was (another replica,
   * or a run that overlapped).
   */
  public boolean finalize(
      String source, String destination, String period, int files, long bytes, long markerId) {
    try (Connection c = jdbc.connection()) {
      Jdbc.update(
          c,
          "INSERT INTO finalized (source, destination, period, file_count, total_bytes,"
              + " marker_file_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
          source,
          destination,
          period,
          files,
          bytes,
          markerId,
          Jdbc.now());
      return true;
    } catch (SQLException e) {
      if (Jdbc.UNIQUE_VIOLATION.equals(e.getSQLState())) {
        return false;
      }
      throw new LedgerException("cannot record " + source + " " + period + " as finalized", e);
    }
  }

  /** The marker of a period is verified at its destination. */
  public void markerVerified(String source, String destination, String period, Instant at) {
    jdbc.update(
        "the marker of " + source + " " + period,
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
    String what = "the watermark of " + source + " at " + destination;
    if (now.isEmpty()) {
      jdbc.update(
          what,
          "INSERT INTO watermarks (source, destination, finalized_until, updated_at) VALUES (?, ?,"
              + " ?, ?)",
          source,
          destination,
          until,
          Jdbc.now());
    } else {
      jdbc.update(
          what,
          "UPDATE watermarks SET finalized_until = ?, updated_at = ? WHERE source = ? AND"
              + " destination = ?",
          until,
          Jdbc.now(),
          source,
          destination);
    }
  }

  /** The first day not known complete, for a source at a destination. */
  public Optional<String> watermark(String source, String destination) {
    return jdbc.query(
        "SELECT finalized_until FROM watermarks WHERE source = ? AND destination = ?",
        rs -> rs.next() ? Optional.of(rs.getString(1)) : Optional.<String>empty(),
        source,
        destination);
  }
}
