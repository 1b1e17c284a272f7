package dev.caravan.observe;

import dev.caravan.ledger.DeliveryState;
import dev.caravan.ledger.Ledger;
import dev.caravan.ledger.LedgerException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * What the ledger says, as figures for metrics and JMX: one snapshot read with a few grouped
 * queries, so a scrape costs the database the same whatever the number of files.
 */
public final class LedgerFigures {

  /** One figure: a name, its labels (name, value pairs) and its value. */
  public record Figure(String name, List<String> labels, double value) {}

  private final Ledger ledger;

  public LedgerFigures(Ledger ledger) {
    this.ledger = ledger;
  }

  public List<Figure> read() {
    List<Figure> out = new ArrayList<>();
    try (Connection c = ledger.dataSource().getConnection()) {
      rows(
          c,
          "SELECT source, state, COUNT(*) FROM files GROUP BY source, state",
          rs -> {
            out.add(
                new Figure(
                    "caravan.files",
                    List.of("source", rs.getString(1), "state", rs.getString(2)),
                    rs.getLong(3)));
          });
      rows(
          c,
          "SELECT source, MAX(first_seen) FROM files GROUP BY source",
          rs ->
              out.add(
                  new Figure(
                      "caravan.source.last.file.timestamp",
                      List.of("source", rs.getString(1)),
                      seconds(rs.getTimestamp(2)))));
      rows(
          c,
          "SELECT destination, state, COUNT(*), COALESCE(SUM(size), 0), MAX(verified_at) FROM"
              + " deliveries GROUP BY destination, state",
          rs -> {
            String destination = rs.getString(1);
            String state = rs.getString(2);
            out.add(
                new Figure(
                    "caravan.deliveries",
                    List.of("destination", destination, "state", state),
                    rs.getLong(3)));
            if (DeliveryState.VERIFIED.name().equals(state)) {
              out.add(
                  new Figure(
                      "caravan.delivered.bytes",
                      List.of("destination", destination),
                      rs.getLong(4)));
              out.add(
                  new Figure(
                      "caravan.destination.last.verified.timestamp",
                      List.of("destination", destination),
                      seconds(rs.getTimestamp(5))));
            }
          });
      Instant now = Instant.now();
      rows(
          c,
          "SELECT d.destination, MIN(f.first_seen) FROM deliveries d JOIN files f ON f.id ="
              + " d.file_id WHERE d.state <> 'VERIFIED' GROUP BY d.destination",
          rs ->
              out.add(
                  new Figure(
                      "caravan.oldest.undelivered.age.seconds",
                      List.of("destination", rs.getString(1)),
                      Math.max(
                          0,
                          now.getEpochSecond()
                              - rs.getTimestamp(2).toInstant().getEpochSecond()))));
      rows(
          c,
          "SELECT destination, error_class, COUNT(*) FROM deliveries WHERE error_class IS NOT NULL"
              + " AND state <> 'VERIFIED' GROUP BY destination, error_class",
          rs ->
              out.add(
                  new Figure(
                      "caravan.delivery.errors",
                      List.of("destination", rs.getString(1), "class", rs.getString(2)),
                      rs.getLong(3))));
      rows(
          c,
          "SELECT source, destination, finalized_until FROM watermarks",
          rs ->
              out.add(
                  new Figure(
                      "caravan.finalized.until.timestamp",
                      List.of("source", rs.getString(1), "destination", rs.getString(2)),
                      LocalDate.parse(rs.getString(3))
                          .atStartOfDay(ZoneOffset.UTC)
                          .toEpochSecond())));
    } catch (SQLException e) {
      throw new LedgerException("cannot read the ledger's figures", e);
    }
    return out;
  }

  private interface Row {
    void read(ResultSet rs) throws SQLException;
  }

  private static void rows(Connection c, String sql, Row row) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql);
        ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        row.read(rs);
      }
    }
  }

  private static double seconds(Timestamp t) {
    return t == null ? 0 : t.toInstant().toEpochMilli() / 1000.0;
  }
}
