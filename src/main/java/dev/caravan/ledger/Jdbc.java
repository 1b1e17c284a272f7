package dev.caravan.ledger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The few JDBC moves every ledger table needs: a query, a transaction, one statement with its
 * values bound in order, and text made storable. The tables' classes ({@link Ledger}, {@link
 * DeliveryQueue}, {@link SourceItems}, …) hold the SQL.
 */
public final class Jdbc {

  /** SQLSTATE of a unique constraint refusing a row. */
  static final String UNIQUE_VIOLATION = "23505";

  private static final int MAX_TEXT = 4000;

  private final DataSource dataSource;

  public Jdbc(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Reads a query's rows. */
  public interface Rows<T> {
    T read(ResultSet rs) throws SQLException;
  }

  /** Work on one connection, committed at once. */
  public interface Work<T> {
    T on(Connection c) throws SQLException;
  }

  /** One query on a connection of its own. */
  public <T> T query(String sql, Rows<T> rows, Object... args) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      bind(s, args);
      try (ResultSet rs = s.executeQuery()) {
        return rows.read(rs);
      }
    } catch (SQLException e) {
      throw new LedgerException("ledger query failed: " + sql, e);
    }
  }

  /** Runs {@code work} in one transaction: all of it is recorded, or none. */
  public <T> T transaction(String what, Work<T> work) {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        T result = work.on(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new LedgerException("cannot record " + what, e);
    }
  }

  /** One statement on a connection of its own; the rows it changed. */
  public int update(String what, String sql, Object... args) {
    try (Connection c = dataSource.getConnection()) {
      return update(c, sql, args);
    } catch (SQLException e) {
      throw new LedgerException("cannot record " + what, e);
    }
  }

  /** A connection of the pool, for work that takes several statements without a transaction. */
  Connection connection() throws SQLException {
    return dataSource.getConnection();
  }

  /** One statement with its arguments bound in order, on {@code c}; the rows it changed. */
  static int update(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      bind(s, args);
      return s.executeUpdate();
    }
  }

  static void bind(PreparedStatement s, Object... args) throws SQLException {
    for (int i = 0; i < args.length; i++) {
      // a state (FileState, DeliveryState) is its name in the table
      s.setObject(i + 1, args[i] instanceof Enum<?> e ? e.name() : args[i]);
    }
  }

  static List<Long> longs(ResultSet rs) throws SQLException {
    List<Long> ids = new ArrayList<>();
    while (rs.next()) {
      ids.add(rs.getLong(1));
    }
    return ids;
  }

  static Timestamp now() {
    return Timestamp.from(Instant.now());
  }

  static Instant instant(Timestamp t) {
    return t == null ? null : t.toInstant();
  }

  static String clip(String s) {
    s = storable(s);
    return s == null || s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT - 1) + "…";
  }

  /**
   * Text as given, but for NUL, which PostgreSQL cannot store in text: it is kept as ␀ (U+2400),
   * the same on H2. Only Drive names can hold one.
   */
  static String storable(String s) {
    return s == null ? null : s.replace('\u0000', '\u2400');
  }
}
