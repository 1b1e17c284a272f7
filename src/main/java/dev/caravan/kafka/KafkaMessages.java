package dev.caravan.kafka;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.csv.ColumnTypes;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * A decoded CSV as JSON messages, one per row, in chunks: {@code {"log": NAME, "file_id": ID,
 * column: value, …}}, each value typed as in Parquet ({@link ColumnTypes}: numbers, booleans, times
 * as the CSV's ISO-8601 text), an empty field null.
 */
final class KafkaMessages implements Iterator<List<String>>, AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final CSVParser parser;
  private final Iterator<CSVRecord> rows;
  private final List<String> columns;
  private final String[] types;
  private final String log;
  private final long fileId;
  private final int chunk;
  private long count;

  KafkaMessages(Path csv, String artifact, String log, long fileId, int chunk) throws IOException {
    Reader in = Files.newBufferedReader(csv, StandardCharsets.UTF_8);
    this.parser = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(in);
    this.rows = parser.iterator();
    this.columns = parser.getHeaderNames();
    this.types = columns.stream().map(c -> ColumnTypes.type(artifact, c)).toArray(String[]::new);
    this.log = log;
    this.fileId = fileId;
    this.chunk = chunk;
  }

  @Override
  public boolean hasNext() {
    return rows.hasNext();
  }

  @Override
  public List<String> next() {
    if (!rows.hasNext()) {
      throw new NoSuchElementException();
    }
    List<String> out = new ArrayList<>(chunk);
    try {
      while (out.size() < chunk && rows.hasNext()) {
        out.add(JSON.writeValueAsString(message(rows.next())));
        count++;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  private ObjectNode message(CSVRecord row) {
    ObjectNode m = JSON.createObjectNode();
    m.put("log", log);
    m.put("file_id", fileId);
    for (int i = 0; i < types.length; i++) {
      String text = row.get(i);
      String name = columns.get(i);
      if (text.isEmpty()) {
        m.putNull(name);
        continue;
      }
      switch (types[i]) {
        case "DOUBLE" -> m.put(name, Double.parseDouble(text));
        case "BIGINT", "INTEGER" -> m.put(name, Long.parseLong(text));
        case "BOOLEAN" -> m.put(name, Boolean.parseBoolean(text));
        default -> m.put(name, text);
      }
    }
    return m;
  }

  /** Messages made so far. */
  long count() {
    return count;
  }

  @Override
  public void close() throws IOException {
    parser.close();
  }
}
