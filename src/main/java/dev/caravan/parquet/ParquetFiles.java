package dev.caravan.parquet;

import dev.caravan.files.Durable;
import dev.caravan.files.Sha256;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.StringJoiner;
import java.util.UUID;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

/**
 * Turns one of Caravan's CSVs into Parquet with the same rows and columns, typed ({@link
 * dev.caravan.csv.ColumnTypes}) and zstd-compressed. DuckDB reads the CSV with the types declared,
 * never guessed, so a column that is empty in one log has the same type as in every other. The
 * Parquet is written under a temporary name, synced and renamed into place: nothing half-written
 * ever has the final name.
 */
public final class ParquetFiles {

  private final DuckDb db;

  public ParquetFiles(DuckDb db) {
    this.db = db;
  }

  /**
   * Writes {@code csv} (a CSV of {@code artifact}: csv, events.csv or wpilog.csv) as {@code
   * target}; returns the Parquet's SHA-256.
   *
   * @throws ParquetException when DuckDB cannot read the CSV or write the Parquet
   */
  public String fromCsv(Path csv, String artifact, Path target) throws IOException {
    StringJoiner types = new StringJoiner(", ", "{", "}");
    for (String c : header(csv)) {
      types.add(
          DuckDb.literal(c) + ": " + DuckDb.literal(dev.caravan.csv.ColumnTypes.type(artifact, c)));
    }
    return write(
        csv,
        source ->
            "read_csv("
                + source
                + ", header = true, auto_detect = false, delim = ',', quote = '\"', escape = '\"',"
                + " columns = "
                + types
                + ")",
        target);
  }

  /**
   * Writes a log's summary ({@code NAME.v1.summary.json}) as a one-row Parquet, its nested values
   * as structs and lists, as {@code target}; returns its SHA-256.
   */
  public String fromJson(Path json, Path target) throws IOException {
    return write(json, source -> "read_json(" + source + ", format = 'unstructured')", target);
  }

  /**
   * Runs {@code COPY (SELECT * FROM reader(source)) TO temp}, syncs and renames the Parquet into
   * place.
   */
  private String write(Path input, java.util.function.UnaryOperator<String> reader, Path target)
      throws IOException {
    String id = UUID.randomUUID().toString();
    // DuckDB reads a path as a glob ([, ?, * in a log's name): it is given a plain link instead;
    // both temporary names are swept from landing at start, should a kill -9 leave them
    Path source = input.resolveSibling("." + id + ".in.tmp");
    Path temp = target.resolveSibling("." + id + ".parquet.tmp");
    try {
      link(input, source);
      String sql =
          "COPY (SELECT * FROM "
              + reader.apply(DuckDb.literal(source.toAbsolutePath().toString()))
              + ") TO "
              + DuckDb.literal(temp.toAbsolutePath().toString())
              + " (FORMAT parquet, COMPRESSION zstd)";
      try (Connection c = db.connect();
          Statement s = c.createStatement()) {
        s.execute(sql);
      } catch (SQLException | LinkageError e) {
        throw new ParquetException(
            "no Parquet made of " + input.getFileName() + ": " + e.getMessage(), e);
      }
      String sha256 = Sha256.of(temp);
      Durable.publish(temp, target);
      return sha256;
    } finally {
      Files.deleteIfExists(source);
      Files.deleteIfExists(temp);
    }
  }

  /** The column names in the CSV's first row. */
  static List<String> header(Path csv) throws IOException {
    try (BufferedReader in = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
      for (CSVRecord r : CSVFormat.DEFAULT.parse(in)) {
        return r.toList();
      }
    }
    throw new ParquetException(
        "no Parquet made of " + csv.getFileName() + ": the CSV is empty", null);
  }

  private static void link(Path file, Path link) throws IOException {
    try {
      Files.createLink(link, file);
    } catch (UnsupportedOperationException | IOException e) {
      Files.copy(file, link);
    }
  }
}
