package dev.caravan.leader;

import dev.caravan.ledger.LedgerException;
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
 * The ledger's {@code leader_leases} table: one row per lease, changed only by compare-and-set on
 * its version, so two apps can never both win the same step.
 */
public final class LeaseTable {

  /** A lease as read: its holder (null when free) and version. */
  public record Lease(String name, String holder, long version, Instant renewedAt) {}

  private static final String UNIQUE_VIOLATION = "23505";

  private final DataSource dataSource;

  public LeaseTable(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Reads a lease, creating it free when it does not exist yet. */
  public Lease read(String name) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      Optional<Lease> lease = select(c, name);
      if (lease.isPresent()) {
        return lease.get();
      }
      try (PreparedStatement s =
          c.prepareStatement(
              "INSERT INTO leader_leases (name, holder, version, renewed_at) VALUES (?, NULL, 0,"
                  + " ?)")) {
        s.setString(1, name);
        s.setTimestamp(2, Timestamp.from(Instant.now()));
        s.executeUpdate();
      } catch (SQLException e) {
        if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
          throw e;
        }
      }
      return select(c, name).orElseThrow(() -> new SQLException("lease " + name + " vanished"));
    }
  }

  /**
   * Sets the holder (null lets go) if the lease is still at {@code version}; true when this call
   * won, and the version is then {@code version + 1}.
   */
  public boolean swap(String name, long version, String holder) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "UPDATE leader_leases SET holder = ?, version = version + 1, renewed_at = ? WHERE"
                    + " name = ? AND version = ?")) {
      s.setString(1, holder);
      s.setTimestamp(2, Timestamp.from(Instant.now()));
      s.setString(3, name);
      s.setLong(4, version);
      return s.executeUpdate() == 1;
    }
  }

  /** Every lease, for {@code caravan status}. */
  public List<Lease> all() {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT name, holder, version, renewed_at FROM leader_leases ORDER BY name");
        ResultSet rs = s.executeQuery()) {
      List<Lease> leases = new ArrayList<>();
      while (rs.next()) {
        leases.add(lease(rs));
      }
      return leases;
    } catch (SQLException e) {
      throw new LedgerException("cannot read the leader leases", e);
    }
  }

  private static Optional<Lease> select(Connection c, String name) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT name, holder, version, renewed_at FROM leader_leases WHERE name = ?")) {
      s.setString(1, name);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? Optional.of(lease(rs)) : Optional.empty();
      }
    }
  }

  private static Lease lease(ResultSet rs) throws SQLException {
    return new Lease(
        rs.getString(1), rs.getString(2), rs.getLong(3), rs.getTimestamp(4).toInstant());
  }
}
