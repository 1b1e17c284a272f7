package dev.caravan.readings;

import dev.caravan.files.Durable;
import dev.caravan.files.Layout;
import dev.caravan.parquet.DuckDb;
import dev.caravan.parquet.ParquetException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * Writes one window's readings as Parquet: {@code
 * station=S/year=YYYY/month=MM/day=DD/data_HHMM.parquet} (a later part: {@code
 * data_HHMM_2.parquet}, …), the window's start in UTC. Columns: {@code station}, {@code time}
 * (TIMESTAMP WITH TIME ZONE) and one DOUBLE per value name that any reading of the window has (null
 * where a reading has none), rows in time order. The same readings always give the same bytes.
 */
public final class WindowWriter {

  private final DuckDb db;

  public WindowWriter(DuckDb db) {
    this.db = db;
  }

  /** Where a window's part goes, relative to the outbox (and to every destination). */
  public static String path(String station, long windowStartS, int part) {
    Instant start = Instant.ofEpochSecond(windowStartS);
    ZonedDateTime d = start.atZone(ZoneOffset.UTC);
    return String.format(
        Locale.ROOT,
        "station=%s/%s/data_%02d%02d%s.parquet",
        Layout.safeName(station),
        dev.caravan.parquet.ParquetSteps.day(start),
        d.getHour(),
        d.getMinute(),
        part == 1 ? "" : "_" + part);
  }

  /** Writes the readings (all of one station and window) to {@code target}, atomically. */
  public void write(List<Reading> readings, Path target) throws IOException {
    List<Reading> rows = new ArrayList<>(readings);
    rows.sort(Comparator.comparingLong(Reading::timeUs)); // stable: arrival order within a time
    // DuckDB's names are case-insensitive: "Temp" and "temp" get a column each all the same
    Map<String, String> columns = new LinkedHashMap<>();
    TreeSet<String> taken = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    taken.add("station");
    taken.add("time");
    for (String name :
        new TreeSet<>(rows.stream().flatMap(r -> r.values().keySet().stream()).toList())) {
      String column = name;
      for (int n = 2; !taken.add(column); n++) {
        column = name + "_" + n;
      }
      columns.put(name, column);
    }
    Files.createDirectories(target.getParent());
    String table = "w" + UUID.randomUUID().toString().replace("-", "");
    Path temp = target.resolveSibling("." + table + ".parquet.tmp");
    StringBuilder ddl =
        new StringBuilder("CREATE TABLE " + table + " (station VARCHAR, time TIMESTAMPTZ");
    for (String column : columns.values()) {
      ddl.append(", \"").append(column.replace("\"", "\"\"")).append("\" DOUBLE");
    }
    ddl.append(")");
    try (Connection c = db.connect();
        Statement s = c.createStatement()) {
      s.execute(ddl.toString());
      try (DuckDBAppender a =
          ((DuckDBConnection) c).createAppender(DuckDBConnection.DEFAULT_SCHEMA, table)) {
        for (Reading r : rows) {
          a.beginRow();
          a.append(r.station());
          long us = r.timeUs();
          a.append(
              OffsetDateTime.ofInstant(
                  Instant.ofEpochSecond(
                      Math.floorDiv(us, 1_000_000L), Math.floorMod(us, 1_000_000L) * 1000),
                  ZoneOffset.UTC));
          for (String name : columns.keySet()) {
            Double v = r.values().get(name);
            if (v == null) {
              a.appendNull();
            } else {
              a.append(v.doubleValue());
            }
          }
          a.endRow();
        }
      }
      s.execute(
          "COPY "
              + table
              + " TO '"
              + temp.toAbsolutePath().toString().replace("'", "''")
              + "' (FORMAT parquet, COMPRESSION zstd)");
      s.execute("DROP TABLE " + table);
    } catch (SQLException | LinkageError e) {
      Files.deleteIfExists(temp);
      throw new ParquetException(
          "no Parquet made of " + target.getFileName() + ": " + e.getMessage(), e);
    }
    try {
      Durable.publish(temp, target);
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}
