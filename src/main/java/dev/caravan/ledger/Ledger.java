package dev.caravan.ledger;

import static dev.caravan.ledger.Jdbc.UNIQUE_VIOLATION;
import static dev.caravan.ledger.Jdbc.bind;
import static dev.caravan.ledger.Jdbc.clip;
import static dev.caravan.ledger.Jdbc.instant;
import static dev.caravan.ledger.Jdbc.now;
import static dev.caravan.ledger.Jdbc.storable;
import static dev.caravan.ledger.Jdbc.update;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import javax.sql.DataSource;

/**
 * The SQL ledger: every file taken and its append-only history, and the way into the other tables
 * ({@link DeliveryQueue} for deliveries, {@link SourceItems} for what remote sources showed). H2 or
 * PostgreSQL, schema by Flyway ({@code db/migration}, see {@link Migrations}), statements over
 * {@link Jdbc}. Every method is one short transaction, or part of the one {@link #inOneCommit}
 * runs.
 */
public final class Ledger implements AutoCloseable {

  /** Statements H2 keeps parsed per connection (see {@link #durable}). */
  private static final int QUERY_CACHE_SIZE = 128;

  private final HikariDataSource pool;

  /** The pool's connections, or this thread's one transaction within {@link #inOneCommit}. */
  private final OneCommit dataSource;

  private final Jdbc jdbc;
  private final SourceItems sourceItems;
  private final H2Upkeep upkeep;

  private Ledger(HikariDataSource pool, String url) {
    this.pool = pool;
    this.dataSource = new OneCommit(pool);
    this.upkeep = H2Upkeep.forUrl(durable(url));
    this.jdbc = new Jdbc(dataSource);
    this.sourceItems = new SourceItems(jdbc);
  }

  /**
   * The ledger URL: {@code configured} when given, else H2 in {@code data/ledger} (absolute, in
   * auto-server mode so the admin commands can read it while the app runs).
   */
  public static String url(String configured, java.nio.file.Path data) {
    if (configured != null && !configured.isBlank()) {
      return configured.trim();
    }
    return "jdbc:h2:file:" + data.toAbsolutePath().resolve("ledger") + ";AUTO_SERVER=TRUE";
  }

  /**
   * H2 writes a commit to its file up to a second later by default (WRITE_DELAY): a kill -9 in that
   * second loses transactions it has acknowledged (measured: about 250 of them). An H2 file ledger
   * is opened with {@code WRITE_DELAY=0}, each commit in the file before it returns, unless the URL
   * sets it otherwise. Each commit is then a new chunk of H2's store, and H2 runs no background
   * upkeep: {@code RETENTION_TIME=0} lets the space of chunks no longer used be written again at
   * once (old chunks are kept 45 s by default in case the disk reorders writes at a power cut,
   * which the embedded ledger does not claim to survive; a killed process leaves its writes in
   * order), and {@link #upkeep} rewrites sparse chunks. Measured: 20,000 commits grew the file to
   * 685 MB without either, to 28 MB with both.
   *
   * <p>Any H2 ledger is given a larger {@code QUERY_CACHE_SIZE} (parsed statements kept per
   * connection; H2's default of 8 is fewer than the intake alone uses per file, so each was parsed
   * again: 14 % of the intake thread's CPU, measured with JFR in {@code
   * bench/fanout-vs-rclone.sh}).
   *
   * <p>An H2 ledger on disk is opened through H2's {@code retry:} file system: H2's file channel
   * closes itself when the thread writing to it is interrupted, and the whole database with it.
   * Camel interrupts an intake's poll as it stops the consumer, and the poll's batch commits then
   * ({@code LedgerInterruptTest}; a SIGTERM mid-batch closed the ledger before the leader's lease
   * was let go). {@code retry:} reopens the channel and writes again. It is the same file, which
   * other tools open as before.
   */
  /**
   * Whether an H2 URL names a database on disk ({@code file:}, a path, {@code ~}), through {@code
   * retry:} or not.
   */
  static boolean onDisk(String url) {
    return url.toUpperCase(java.util.Locale.ROOT).matches("JDBC:H2:(RETRY:)?(FILE:|/|~|\\./).*");
  }

  static String durable(String url) {
    if (!url.startsWith("jdbc:h2:")) {
      return url;
    }
    String upper = url.toUpperCase(java.util.Locale.ROOT);
    String out = url;
    if (onDisk(url) && !upper.startsWith("JDBC:H2:RETRY:")) {
      out = "jdbc:h2:retry:" + url.substring("jdbc:h2:".length());
    }
    if (!upper.contains("QUERY_CACHE_SIZE=")) {
      out += ";QUERY_CACHE_SIZE=" + QUERY_CACHE_SIZE;
    }
    if (url.startsWith("jdbc:h2:mem:")) {
      return out;
    }
    if (!upper.contains("WRITE_DELAY=")) {
      out += ";WRITE_DELAY=0";
      if (!upper.contains("RETENTION_TIME=")) {
        out += ";RETENTION_TIME=0";
      }
    }
    return out;
  }

  /** Connects (pooled) and brings the schema up to date. */
  public static Ledger open(String url, String user, String password) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(durable(url));
    config.setUsername(user);
    config.setPassword(password);
    config.setMaximumPoolSize(4);
    config.setPoolName("caravan-ledger");
    // After a crash H2's lock file can outlive its process for a while: keep trying to connect
    // rather than refuse to start (a wrong URL fails after this long too).
    config.setInitializationFailTimeout(30_000);
    HikariDataSource ds = new HikariDataSource(config);
    try {
      Migrations.apply(ds, url);
    } catch (RuntimeException | java.sql.SQLException e) {
      ds.close();
      throw new LedgerException("cannot migrate the ledger at " + url + ": " + e.getMessage(), e);
    }
    return new Ledger(ds, url);
  }

  public DataSource dataSource() {
    return dataSource;
  }

  /**
   * Whether the ledger has a file from this source and path with this size (whatever its content):
   * the intake then hashes before it copies, as the file is most likely one it has.
   */
  public boolean knows(String source, String sourcePath, long size) {
    return jdbc.query(
        "SELECT COUNT(*) FROM files WHERE source = ? AND source_path = ? AND size = ? AND state <> ?",
        rs -> rs.next() && rs.getLong(1) > 0,
        source,
        sourcePath,
        size,
        FileState.RETRY);
  }

  /**
   * Takes a file: inserts its row, or takes back one left in {@code RETRY}. Empty when the ledger
   * already has it: the unique constraint decides, so two consumers can never both take it.
   */
  public OptionalLong claim(FileKey key, String name, long size, String kind) {
    Instant now = Instant.now();
    try (Connection c = dataSource.getConnection()) {
      // the row and its first event in one commit
      c.setAutoCommit(false);
      try (PreparedStatement s =
          c.prepareStatement(
              "INSERT INTO files (source, source_path, name, size, sha256, kind, first_seen, state,"
                  + " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
              new String[] {"id"})) {
        s.setString(1, key.source());
        s.setString(2, key.path());
        s.setString(3, storable(name));
        s.setLong(4, size);
        s.setString(5, key.sha256());
        s.setString(6, kind);
        s.setTimestamp(7, Timestamp.from(now));
        s.setString(8, FileState.RECEIVED.name());
        s.setTimestamp(9, Timestamp.from(now));
        s.executeUpdate();
        try (ResultSet keys = s.getGeneratedKeys()) {
          keys.next();
          long id = keys.getLong(1);
          insertEvent(c, id, "received", key.source() + ":" + key.path() + " (" + size + " bytes)");
          c.commit();
          return OptionalLong.of(id);
        }
      } catch (SQLException e) {
        c.rollback(); // PostgreSQL takes no more statements in a failed transaction
        if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
          throw e;
        }
      }
      try (PreparedStatement s =
          c.prepareStatement(
              "UPDATE files SET state = ?, updated_at = ? WHERE source = ? AND source_path = ? AND"
                  + " sha256 = ? AND state = ?")) {
        s.setString(1, FileState.RECEIVED.name());
        s.setTimestamp(2, Timestamp.from(now));
        s.setString(3, key.source());
        s.setString(4, key.path());
        s.setString(5, key.sha256());
        s.setString(6, FileState.RETRY.name());
        if (s.executeUpdate() == 0) {
          c.rollback();
          return OptionalLong.empty();
        }
      }
      long id = find(c, key).orElseThrow();
      insertEvent(c, id, "retry", "taken again");
      c.commit();
      return OptionalLong.of(id);
    } catch (SQLException e) {
      throw new LedgerException("cannot record " + key, e);
    }
  }

  /** The ledger id of a file, if it holds it. */
  public OptionalLong id(FileKey key) {
    try (Connection c = dataSource.getConnection()) {
      return find(c, key);
    } catch (SQLException e) {
      throw new LedgerException("cannot look up " + key, e);
    }
  }

  /** True when the ledger holds the file in a state that must not be taken again. */
  public boolean contains(FileKey key) {
    return jdbc.query(
        "SELECT state FROM files WHERE source = ? AND source_path = ? AND sha256 = ?",
        rs -> rs.next() && !FileState.RETRY.name().equals(rs.getString(1)),
        key.source(),
        key.path(),
        key.sha256());
  }

  /**
   * True when the ledger holds a file from {@code source} at {@code sourcePath} whatever its
   * content hash, in a state that must not be taken again: a remote source asks this before it
   * downloads (its identity, e.g. Drive id and MD5, is in the path).
   */
  public boolean holds(String source, String sourcePath) {
    return jdbc.query(
        "SELECT COUNT(*) FROM files WHERE source = ? AND source_path = ? AND state <> ?",
        rs -> rs.next() && rs.getLong(1) > 0,
        source,
        sourcePath,
        FileState.RETRY);
  }

  /**
   * Keeps an embedded H2 ledger's file from growing with every commit (see {@link H2Upkeep}): true
   * when it rewrote something. Nothing to do on PostgreSQL. Called by the {@code ledger-upkeep}
   * route.
   */
  public boolean upkeep() {
    return upkeep != null && upkeep.run(pool);
  }

  /** What remote sources showed in their listings: the stability gate and failed downloads. */
  public SourceItems sourceItems() {
    return sourceItems;
  }

  /** Gives a file back to be taken again on the next poll (processing failed unexpectedly). */
  public void release(FileKey key, String reason) {
    try (Connection c = dataSource.getConnection()) {
      OptionalLong id = find(c, key);
      update(
          c,
          "UPDATE files SET state = ?, error = ?, updated_at = ? WHERE id = ?",
          FileState.RETRY,
          clip(reason),
          now(),
          id.orElse(-1));
      if (id.isPresent()) {
        insertEvent(c, id.getAsLong(), "released", reason);
      }
    } catch (SQLException e) {
      throw new LedgerException("cannot release " + key, e);
    }
  }

  /**
   * At start-up: files left {@code RECEIVED} by a stop in the middle of their processing go back to
   * {@code RETRY}, so the next poll finishes them. Returns how many.
   */
  public int recoverInterrupted() {
    try (Connection c = dataSource.getConnection()) {
      List<Long> ids =
          jdbc.query("SELECT id FROM files WHERE state = ?", Jdbc::longs, FileState.RECEIVED);
      for (long id : ids) {
        update(
            c,
            "UPDATE files SET state = ?, updated_at = ? WHERE id = ? AND state = ?",
            FileState.RETRY,
            now(),
            id,
            FileState.RECEIVED);
        insertEvent(c, id, "interrupted", "the app stopped while it was processed; will retry");
      }
      return ids.size();
    } catch (SQLException e) {
      throw new LedgerException("cannot recover interrupted files", e);
    }
  }

  public void landed(long id, String landingPath) {
    execute(
        id,
        "landed",
        landingPath,
        "UPDATE files SET landing_path = ?, updated_at = ? WHERE id = ?",
        landingPath,
        now(),
        id);
  }

  /**
   * Records where a taken file landed and, in the same commit, whether the ledger already has its
   * content from another file: then it is marked a duplicate of that file, returned. The earliest
   * such file the ledger shows is the one; failing that, the file that landed the content first
   * ({@code contents}), which an intake landing the same bytes at the same moment in a transaction
   * of its own waits for: of two, exactly one holds the content.
   */
  public OptionalLong landed(long id, String landingPath, String sha256) {
    return transaction(
        "landing of file " + id,
        c -> {
          update(
              c,
              "UPDATE files SET landing_path = ?, updated_at = ? WHERE id = ?",
              landingPath,
              now(),
              id);
          insertEvent(c, id, "landed", landingPath);
          OptionalLong same;
          try (PreparedStatement s =
              c.prepareStatement(
                  // only earlier files: of two same files taken at once by two intakes, the
                  // later is the duplicate, never both
                  "SELECT MIN(id) FROM files WHERE sha256 = ? AND id < ? AND state <> ?")) {
            bind(s, sha256, id, FileState.DUPLICATE);
            try (ResultSet rs = s.executeQuery()) {
              rs.next();
              long of = rs.getLong(1);
              same = rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(of);
            }
          }
          if (same.isEmpty()) {
            same = holdContent(c, sha256, id);
          }
          if (same.isPresent()) {
            update(
                c,
                "UPDATE files SET state = ?, duplicate_of = ?, updated_at = ? WHERE id = ?",
                FileState.DUPLICATE,
                same.getAsLong(),
                now(),
                id);
            insertEvent(c, id, "duplicate", "same content as file " + same.getAsLong());
          }
          return same;
        });
  }

  /**
   * Records file {@code id} as the holder of this content; empty if it is, else the file that holds
   * it already (the insert waits while another transaction has landed the same content and not yet
   * ended).
   */
  private static OptionalLong holdContent(Connection c, String sha256, long id)
      throws SQLException {
    java.sql.Savepoint before = c.setSavepoint(); // PostgreSQL: a refused insert spoils no more
    try (PreparedStatement s =
        c.prepareStatement("INSERT INTO contents (sha256, file_id) VALUES (?, ?)")) {
      bind(s, sha256, id);
      s.executeUpdate();
      c.releaseSavepoint(before);
      return OptionalLong.empty();
    } catch (SQLException e) {
      c.rollback(before);
      if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
        throw e;
      }
    }
    try (PreparedStatement s =
        c.prepareStatement("SELECT file_id FROM contents WHERE sha256 = ?")) {
      bind(s, sha256);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        long holder = rs.getLong(1);
        return holder == id ? OptionalLong.empty() : OptionalLong.of(holder); // landed again
      }
    }
  }

  public void decoded(long id, String decoderVersion, Instant logStart, String detail) {
    execute(
        id,
        "decoded",
        detail,
        "UPDATE files SET decoder_version = ?, log_start = ?, updated_at = ? WHERE id = ?",
        decoderVersion,
        logStart == null ? null : Timestamp.from(logStart),
        now(),
        id);
  }

  public void failed(long id, String error) {
    execute(
        id,
        "failed",
        error,
        "UPDATE files SET state = ?, error = ?, updated_at = ? WHERE id = ?",
        FileState.FAILED,
        clip(error),
        now(),
        id);
  }

  /**
   * Ends a file's processing: DONE unless it already failed or is a duplicate. Returns the state it
   * ends in.
   */
  public FileState finish(long id) {
    return transaction(
        "end of file " + id,
        c -> {
          update(
              c,
              "UPDATE files SET state = ?, updated_at = ? WHERE id = ? AND state = ?",
              FileState.DONE,
              now(),
              id,
              FileState.RECEIVED);
          insertEvent(c, id, "finished", null);
          try (PreparedStatement s = c.prepareStatement("SELECT state FROM files WHERE id = ?")) {
            bind(s, id);
            try (ResultSet rs = s.executeQuery()) {
              return rs.next() ? FileState.valueOf(rs.getString(1)) : null;
            }
          }
        });
  }

  /** The file's local copies: the landed raw file and the artifacts derived from it. */
  public List<java.nio.file.Path> localCopies(long id) {
    return jdbc.query(
        "SELECT DISTINCT local_path FROM deliveries WHERE file_id = ? AND local_path IS NOT NULL",
        rs -> {
          List<java.nio.file.Path> paths = new ArrayList<>();
          while (rs.next()) {
            paths.add(java.nio.file.Path.of(rs.getString(1)));
          }
          return paths;
        },
        id);
  }

  /** The deliveries of one file. */
  public List<DeliveryRow> deliveriesOf(long fileId) {
    return deliveries(" WHERE d.file_id = ?", fileId);
  }

  /** The local copies of a file were deleted (they are verified everywhere required). */
  public void localDeleted(long id, String detail) {
    execute(
        id,
        "deleted-local",
        detail,
        "UPDATE files SET local_deleted_at = ?, updated_at = ? WHERE id = ?",
        now(),
        now(),
        id);
  }

  /** Marks a file never to be copied or deleted (true), or lifts that (false). */
  public boolean lock(long id, boolean locked) {
    try (Connection c = dataSource.getConnection()) {
      int n =
          update(c, "UPDATE files SET locked = ?, updated_at = ? WHERE id = ?", locked, now(), id);
      if (n == 1) {
        insertEvent(c, id, locked ? "locked" : "unlocked", null);
      }
      return n == 1;
    } catch (SQLException e) {
      throw new LedgerException("cannot lock file " + id, e);
    }
  }

  /** Appends to a file's history. */
  public void event(Long fileId, String event, String detail) {
    try (Connection c = dataSource.getConnection()) {
      insertEvent(c, fileId, event, detail);
    } catch (SQLException e) {
      throw new LedgerException("cannot record event " + event, e);
    }
  }

  public List<FileRow> files() {
    return jdbc.query(FILE_COLUMNS + " ORDER BY id", Ledger::fileRows);
  }

  public Optional<FileRow> file(long id) {
    return jdbc.query(FILE_COLUMNS + " WHERE id = ?", Ledger::fileRows, id).stream().findFirst();
  }

  /** A file's state, or null. */
  public FileState state(long id) {
    return jdbc.query(
        "SELECT state FROM files WHERE id = ?",
        rs -> rs.next() ? FileState.valueOf(rs.getString(1)) : null,
        id);
  }

  private static final String FILE_COLUMNS =
      "SELECT id, source, source_path, name, size, sha256, kind, first_seen, state, landing_path,"
          + " log_start, decoder_version, duplicate_of, error FROM files";

  private static List<FileRow> fileRows(ResultSet rs) throws SQLException {
    List<FileRow> rows = new ArrayList<>();
    while (rs.next()) {
      rows.add(
          new FileRow(
              rs.getLong(1),
              rs.getString(2),
              rs.getString(3),
              rs.getString(4),
              rs.getLong(5),
              rs.getString(6),
              rs.getString(7),
              instant(rs.getTimestamp(8)),
              FileState.valueOf(rs.getString(9)),
              rs.getString(10),
              instant(rs.getTimestamp(11)),
              rs.getString(12),
              rs.getObject(13, Long.class),
              rs.getString(14)));
    }
    return rows;
  }

  public List<DeliveryRow> deliveries() {
    return deliveries("");
  }

  private List<DeliveryRow> deliveries(String where, Object... args) {
    return jdbc.query(
        "SELECT d.id, d.file_id, d.name, d.artifact, d.destination, d.state, d.attempts,"
            + " d.last_error, d.size, d.sha256, d.remote_path, d.verified_at, d.verify_method,"
            + " d.error_class FROM deliveries d"
            + where
            + " ORDER BY d.id",
        rs -> {
          List<DeliveryRow> rows = new ArrayList<>();
          while (rs.next()) {
            rows.add(
                new DeliveryRow(
                    rs.getLong(1),
                    rs.getLong(2),
                    rs.getString(3),
                    rs.getString(4),
                    rs.getString(5),
                    DeliveryState.valueOf(rs.getString(6)),
                    rs.getInt(7),
                    rs.getString(8),
                    rs.getLong(9),
                    rs.getString(10),
                    rs.getString(11),
                    instant(rs.getTimestamp(12)),
                    rs.getString(13),
                    rs.getString(14)));
          }
          return rows;
        },
        args);
  }

  public List<EventRow> events(long fileId) {
    return jdbc.query(
        "SELECT at, event, detail FROM file_events WHERE file_id = ? ORDER BY id",
        rs -> {
          List<EventRow> rows = new ArrayList<>();
          while (rs.next()) {
            rows.add(new EventRow(instant(rs.getTimestamp(1)), rs.getString(2), rs.getString(3)));
          }
          return rows;
        },
        fileId);
  }

  @Override
  public void close() {
    pool.close();
  }

  /**
   * Runs {@code work} with every ledger call this thread makes in it recorded in one commit at its
   * end, or none if it throws (see {@link OneCommit}).
   */
  public <T> T inOneCommit(java.util.concurrent.Callable<T> work) throws Exception {
    return dataSource.run(work);
  }

  // --- plumbing

  /** This ledger's connections, for a {@link PollBatch}. */
  OneCommit commits() {
    return dataSource;
  }

  /** The JDBC helper over this ledger's connections, for the other tables' classes. */
  Jdbc jdbc() {
    return jdbc;
  }

  /** Runs {@code work} in one transaction: all of it is recorded, or none. */
  public <T> T transaction(String what, Jdbc.Work<T> work) {
    return jdbc.transaction(what, work);
  }

  /** Adds an event to a file's history within a {@link #transaction}. */
  public static void event(Connection c, Long fileId, String event, String detail)
      throws SQLException {
    insertEvent(c, fileId, event, detail);
  }

  private void execute(long id, String event, String detail, String sql, Object... args) {
    try (Connection c = dataSource.getConnection()) {
      update(c, sql, args);
      insertEvent(c, id, event, detail);
    } catch (SQLException e) {
      throw new LedgerException("cannot record " + event + " of file " + id, e);
    }
  }

  private static void insertEvent(Connection c, Long fileId, String event, String detail)
      throws SQLException {
    update(
        c,
        "INSERT INTO file_events (file_id, at, event, detail) VALUES (?, ?, ?, ?)",
        fileId,
        now(),
        event,
        clip(detail));
  }

  private static OptionalLong find(Connection c, FileKey key) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT id FROM files WHERE source = ? AND source_path = ? AND sha256 = ?")) {
      bind(s, key.source(), key.path(), key.sha256());
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
      }
    }
  }
}
