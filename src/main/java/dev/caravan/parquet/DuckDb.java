package dev.caravan.parquet;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import org.duckdb.DuckDBConnection;

/**
 * One in-memory DuckDB for the app, opened the first time Parquet is written (its native library is
 * unpacked then, not at start), with bounded memory and threads: it shares a Raspberry Pi with the
 * rest of Caravan. Each caller works on a connection of its own to the same database.
 */
public final class DuckDb extends org.apache.camel.support.service.ServiceSupport {

  private final String memoryLimit;
  private final int threads;
  private final Path spill;
  private DuckDBConnection root;

  /**
   * @param memoryLimit DuckDB's {@code memory_limit}, e.g. {@code 128MB}
   * @param threads DuckDB's worker threads
   * @param spill where DuckDB may spill what does not fit in memory
   */
  public DuckDb(String memoryLimit, int threads, Path spill) {
    this.memoryLimit = memoryLimit;
    this.threads = threads;
    this.spill = spill;
  }

  /** A new connection to the database (close it after use). */
  public synchronized Connection connect() throws SQLException {
    if (root == null) {
      try {
        Files.createDirectories(spill);
      } catch (java.io.IOException e) {
        throw new SQLException("cannot make DuckDB's spill folder " + spill + ": " + e, e);
      }
      sweepUnpackedLibraries();
      Properties config = new Properties();
      config.setProperty("memory_limit", memoryLimit);
      config.setProperty("threads", Integer.toString(threads));
      config.setProperty("temp_directory", spill.toAbsolutePath().toString());
      // nothing is fetched at run time: no extension is installed or loaded on its own
      config.setProperty("autoinstall_known_extensions", "false");
      config.setProperty("autoload_known_extensions", "false");
      root = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:", config);
    }
    return root.duplicate();
  }

  /**
   * DuckDB unpacks its native library (about 70 MB) into {@code java.io.tmpdir} at each start and
   * deletes it at a clean exit only: after a kill -9 or a power cut it stays. Copies older than ten
   * minutes are left over (a library is loaded the moment it is unpacked); Linux keeps a deleted
   * library mapped for a process still using it, so deleting them is safe.
   */
  private static void sweepUnpackedLibraries() {
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    java.time.Instant before = java.time.Instant.now().minus(java.time.Duration.ofMinutes(10));
    try (var copies = Files.newDirectoryStream(tmp, "libduckdb_java*.so")) {
      for (Path copy : copies) {
        if (Files.getLastModifiedTime(copy).toInstant().isBefore(before)) {
          Files.deleteIfExists(copy);
        }
      }
    } catch (java.io.IOException | SecurityException e) {
      // another user's copy, or no tmpdir to read: nothing of ours to tidy
    }
  }

  /** Where DuckDB may spill. */
  public Path spill() {
    return spill;
  }

  /** A string literal for DuckDB SQL. */
  static String literal(String text) {
    return "'" + text.replace("'", "''") + "'";
  }

  /** Closed with the Camel context (added to it as a service). */
  @Override
  protected synchronized void doStop() throws SQLException {
    if (root != null) {
      root.close();
      root = null;
    }
  }
}
