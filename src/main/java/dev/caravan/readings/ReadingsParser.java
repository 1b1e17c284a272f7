package dev.caravan.readings;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a batch of readings, a JSON array of {@code {"station": …, "time": ISO-8601, "values":
 * {"name": number, …}}}: the good ones are kept, each bad one is named with what is wrong with it.
 */
public final class ReadingsParser {

  /** A reading's values: at most this many names. */
  static final int MAX_VALUES = 1000;

  /** What a batch held: the good readings, and a message for each bad one. */
  public record Batch(List<Reading> readings, List<String> problems) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String defaultStation;

  /**
   * @param defaultStation the station of a reading that names none (this app's)
   */
  public ReadingsParser(String defaultStation) {
    this.defaultStation = defaultStation;
  }

  /** A batch: a JSON array of readings (or one reading as an object). */
  public Batch parse(String text) {
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      return new Batch(
          List.of(), List.of("not JSON: " + e.getOriginalMessage() + " at " + where(e)));
    }
    if (root == null) {
      return new Batch(List.of(), List.of("no readings: the body is empty"));
    }
    List<Reading> good = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    if (root.isObject()) {
      one(root, "reading 0", good, problems);
    } else if (root.isArray()) {
      for (int i = 0; i < root.size(); i++) {
        one(root.get(i), "reading " + i, good, problems);
      }
    } else {
      problems.add("not a JSON array of readings (nor one reading): " + root.getNodeType());
    }
    return new Batch(good, problems);
  }

  /**
   * A file of readings: JSON lines ({@code .jsonl}, one reading per line), a JSON array ({@code
   * .json}), or CSV ({@code .csv}: a header {@code time,NAME,…}, optionally {@code station} among
   * them, one reading per row, an empty cell no value). A problem names the line.
   */
  public Batch parseFile(String name, String text) {
    if (name.endsWith(".json")) {
      return parse(text);
    }
    List<Reading> good = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    if (name.endsWith(".csv")) {
      csv(text, good, problems);
      return new Batch(good, problems);
    }
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].isBlank()) {
        continue;
      }
      try {
        one(JSON.readTree(lines[i]), "line " + (i + 1), good, problems);
      } catch (JsonProcessingException e) {
        problems.add("line " + (i + 1) + ": not JSON: " + e.getOriginalMessage());
      }
    }
    return new Batch(good, problems);
  }

  private void csv(String text, List<Reading> good, List<String> problems) {
    try (var parser =
        org.apache.commons.csv.CSVFormat.DEFAULT
            .builder()
            .setHeader()
            .setSkipHeaderRecord(true)
            .setTrim(true)
            .get()
            .parse(new java.io.StringReader(text))) {
      List<String> header = parser.getHeaderNames();
      if (!header.contains("time")) {
        problems.add("line 1: no 'time' column in the header " + header);
        return;
      }
      for (org.apache.commons.csv.CSVRecord row : parser) {
        var node = JSON.createObjectNode();
        var values = node.putObject("values");
        for (String column : header) {
          String cell = row.isSet(column) ? row.get(column) : "";
          if (column.equals("time") || column.equals("station")) {
            if (!cell.isEmpty()) {
              node.put(column, cell);
            }
          } else if (!cell.isEmpty()) {
            try {
              values.put(column, Double.parseDouble(cell));
            } catch (NumberFormatException e) {
              values.put(column, cell); // refused by one() as not a number, with its name
            }
          }
        }
        one(node, "line " + parser.getCurrentLineNumber(), good, problems);
      }
    } catch (java.io.IOException | IllegalArgumentException | IllegalStateException e) {
      problems.add("not CSV: " + e.getMessage());
    }
  }

  /** One reading, as a JSON object; {@code where} names it in a problem ("reading 3", "line 4"). */
  private void one(JsonNode node, String where, List<Reading> good, List<String> problems) {
    String at = where + ": ";
    if (node == null || !node.isObject()) {
      problems.add(at + "not a JSON object");
      return;
    }
    String station = defaultStation;
    JsonNode s = node.get("station");
    if (s != null && !s.isNull()) {
      if (!s.isTextual() || s.asText().isBlank()) {
        problems.add(at + "station must be a non-empty string, not " + s);
        return;
      }
      station = s.asText();
    }
    JsonNode t = node.get("time");
    if (t == null || t.isNull()) {
      problems.add(at + "no time");
      return;
    }
    Instant time;
    try {
      time = time(t.asText());
    } catch (DateTimeParseException e) {
      problems.add(
          at + "time " + t + " is not an ISO-8601 time with a zone (e.g. 2026-12-07T10:15:30Z)");
      return;
    }
    JsonNode v = node.get("values");
    if (v == null || !v.isObject() || v.isEmpty()) {
      problems.add(at + "values must be an object of name: number, not " + v);
      return;
    }
    if (v.size() > MAX_VALUES) {
      problems.add(at + v.size() + " values, more than " + MAX_VALUES);
      return;
    }
    Map<String, Double> values = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String name = e.getKey();
      if (name.isBlank() || name.equalsIgnoreCase("station") || name.equalsIgnoreCase("time")) {
        problems.add(at + "value name '" + name + "' is blank or taken (station, time)");
        return;
      }
      if (!e.getValue().isNumber()) {
        problems.add(at + "value '" + name + "' is " + e.getValue() + ", not a number");
        return;
      }
      double d = e.getValue().asDouble();
      if (!Double.isFinite(d)) {
        problems.add(at + "value '" + name + "' is out of a double's range");
        return;
      }
      values.put(name, d);
    }
    long micros = Math.multiplyExact(time.getEpochSecond(), 1_000_000L) + time.getNano() / 1000;
    good.add(new Reading(station, micros, values));
  }

  /**
   * An ISO-8601 time with a zone. The usual form, {@code 2026-12-07T10:15:30[.fraction]Z}, is read
   * by hand (it is most of the work of a batch); any other goes to {@code java.time}.
   */
  static Instant time(String text) {
    int n = text.length();
    if (n >= 20 && text.charAt(n - 1) == 'Z' && text.charAt(4) == '-' && text.charAt(10) == 'T') {
      try {
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 2);
        int day = digits(text, 8, 2);
        int hour = digits(text, 11, 2);
        int minute = digits(text, 14, 2);
        int second = digits(text, 17, 2);
        int nanos = 0;
        if (n > 20) {
          if (text.charAt(19) != '.' || n - 21 > 9 || n - 21 < 1) {
            throw new NumberFormatException();
          }
          nanos = digits(text, 20, n - 21);
          for (int i = n - 21; i < 9; i++) {
            nanos *= 10;
          }
        } else if (text.charAt(19) != 'Z') {
          throw new NumberFormatException();
        }
        if (text.charAt(7) != '-' || text.charAt(13) != ':' || text.charAt(16) != ':') {
          throw new NumberFormatException();
        }
        return java.time.LocalDateTime.of(year, month, day, hour, minute, second, nanos)
            .toInstant(java.time.ZoneOffset.UTC);
      } catch (NumberFormatException | java.time.DateTimeException e) {
        // not the usual form after all: java.time says what is wrong
      }
    }
    return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
  }

  private static int digits(String text, int from, int count) {
    int v = 0;
    for (int i = from; i < from + count; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        throw new NumberFormatException();
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  private static String where(JsonProcessingException e) {
    var l = e.getLocation();
    return l == null ? "?" : "line " + l.getLineNr() + ", column " + l.getColumnNr();
  }
}
