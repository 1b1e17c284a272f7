package dev.caravan.decode;

import dev.caravan.csv.CsvFormats;
import dev.caravan.csv.DslogCsvWriter;
import dev.caravan.csv.EventsCsvWriter;
import dev.caravan.dslog.DecoderVersion;
import dev.caravan.dslog.DsEvent;
import dev.caravan.dslog.DsEventsReader;
import dev.caravan.dslog.DslogFormatException;
import dev.caravan.dslog.DslogReader;
import dev.caravan.dslog.DslogRecord;
import dev.caravan.insight.PowerTally;
import dev.caravan.intake.IntakeHeaders;
import dev.caravan.ledger.Ledger;
import java.io.File;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Java side of the decode routes: opens a landed log as a stream of records or events for the
 * route's split, turns each into CSV fields for camel-csv, and writes the derived file.
 *
 * <p>A log that cannot be decoded throws {@link DslogFormatException} when opened or {@link
 * dev.caravan.dslog.MalformedLogException} while split (the route marks the file failed and goes
 * on); a truncated one decodes up to its last complete record and is marked failed too, with that
 * part delivered.
 */
public final class DecodeSteps {

  /** Exchange properties shared with the split's sub-exchanges. */
  public static final String DERIVED = "CaravanDerived",
      READER = "CaravanReader",
      ARTIFACT = "CaravanArtifact",
      ARTIFACT_SHA256 = "CaravanArtifactSha256",
      TRUNCATED = "CaravanTruncated",
      FORMATTER = "CaravanRowFormatter",
      TALLY = "CaravanTally";

  private static final Logger LOG = LoggerFactory.getLogger(DecodeSteps.class);

  private final Ledger ledger;

  public DecodeSteps(Ledger ledger) {
    this.ledger = ledger;
  }

  /**
   * {@code NAME.dslog} → {@code NAME.v1.csv}; {@code NAME.dsevents} → {@code NAME.v1.events.csv}.
   */
  public static String derivedName(String rawName, String artifact) {
    int dot = rawName.lastIndexOf('.');
    String base = dot > 0 ? rawName.substring(0, dot) : rawName;
    return base + ".v" + DecoderVersion.VERSION + "." + artifact;
  }

  /**
   * The records of the landed {@code .dslog} in the body, one at a time, for a streaming split.
   * Each record is tallied for the insight summary ({@link #TALLY}) as the split takes it: the same
   * pass, and every record, whatever the filter keeps for the CSV.
   */
  public Iterator<DslogRecord> openDslog(Exchange exchange) throws IOException {
    Message m = exchange.getMessage();
    File file = m.getBody(File.class);
    String name = m.getHeader(IntakeHeaders.NAME, String.class);
    DslogReader reader = DslogReader.open(file.toPath());
    exchange.setProperty(READER, reader);
    startDerived(exchange, file, name, "csv", DslogCsvWriter.COLUMNS);
    exchange.setProperty(
        FORMATTER, new DslogCsvWriter(java.io.OutputStream.nullOutputStream(), name));
    PowerTally tally = new PowerTally();
    exchange.setProperty(TALLY, tally);
    Iterator<DslogRecord> records = reader.iterator();
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return records.hasNext();
      }

      @Override
      public DslogRecord next() {
        DslogRecord r = records.next();
        tally.accept(r);
        return r;
      }
    };
  }

  /** The events of the landed {@code .dsevents} in the body, one at a time. */
  public Iterator<DsEvent> openDsevents(Exchange exchange) throws IOException {
    Message m = exchange.getMessage();
    File file = m.getBody(File.class);
    String name = m.getHeader(IntakeHeaders.NAME, String.class);
    DsEventsReader reader = DsEventsReader.open(file.toPath());
    exchange.setProperty(READER, reader);
    startDerived(exchange, file, name, "events.csv", EventsCsvWriter.ENTRY_COLUMNS);
    exchange.setProperty(FORMATTER, new EventsCsvWriter(Writer.nullWriter(), name, false));
    return reader.iterator();
  }

  /** The CSV row of a record, in the column layout of {@code convert}. */
  public List<Map<String, Object>> dslogRow(DslogRecord record, Exchange exchange) {
    DslogCsvWriter formatter = exchange.getProperty(FORMATTER, DslogCsvWriter.class);
    String name = exchange.getMessage().getHeader(IntakeHeaders.NAME, String.class);
    return List.of(asRecord(DslogCsvWriter.COLUMNS, formatter.fields(record, name)));
  }

  /**
   * A row as camel-csv takes it fastest: a map in column order. (Given a list, camel-csv first
   * tries to convert it to a map, and Camel's search for that missing converter costs more than the
   * row.)
   */
  private static Map<String, Object> asRecord(List<String> columns, List<?> values) {
    Map<String, Object> row = new LinkedHashMap<>(columns.size() * 2);
    for (int i = 0; i < columns.size(); i++) {
      row.put(columns.get(i), values.get(i));
    }
    return row;
  }

  /** CSV rows of one event, in the column layout of {@code convert}. */
  public List<Map<String, Object>> eventRows(DsEvent event, Exchange exchange) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (List<Object> row : exchange.getProperty(FORMATTER, EventsCsvWriter.class).rows(event)) {
      rows.add(asRecord(EventsCsvWriter.ENTRY_COLUMNS, row));
    }
    return rows;
  }

  /** Appends the marshalled CSV in the body to the derived file. */
  public void append(Exchange exchange)
      throws IOException, org.apache.camel.InvalidPayloadException {
    // camel-csv wrote UTF-8 bytes; take them as they are
    byte[] bytes = exchange.getMessage().getMandatoryBody(byte[].class);
    exchange.getProperty(DERIVED, DerivedFile.class).append(bytes);
  }

  /**
   * After the split: renames the derived file into place, records the decode, and makes the derived
   * file the body for delivery.
   */
  public void complete(Exchange exchange) throws IOException {
    Message m = exchange.getMessage();
    DerivedFile derived = exchange.getProperty(DERIVED, DerivedFile.class);
    Path done = derived.complete();
    Object reader = exchange.getProperty(READER);
    String detail;
    boolean truncated;
    if (reader instanceof DslogReader r) {
      detail = r.recordCount() + " records";
      if (r.flaggedCount() > 0) {
        detail += ", " + r.flaggedCount() + " with a PD block of unknown length";
      }
      truncated = r.truncated();
      detail += truncation(truncated, r.leftoverBytes());
      r.close();
    } else {
      DsEventsReader r = (DsEventsReader) reader;
      truncated = r.truncated();
      detail = r.eventCount() + " events" + truncation(truncated, r.leftoverBytes());
      r.close();
    }
    long id = m.getHeader(IntakeHeaders.FILE_ID, Long.class);
    ledger.decoded(
        id,
        DecoderVersion.VERSION,
        m.getHeader(IntakeHeaders.LOG_START, java.time.Instant.class),
        detail + " -> " + done.getFileName());
    if (truncated) {
      // Nothing is thrown away: the complete part is delivered, and the file ends up failed.
      m.setHeader(
          TRUNCATED,
          m.getHeader(IntakeHeaders.SOURCE_PATH)
              + " is truncated: "
              + detail
              + "; the complete part was decoded and delivered");
    }
    m.setHeader("CaravanDecoded", detail);
    m.setHeader(ARTIFACT, exchange.getProperty(ARTIFACT));
    m.setHeader(ARTIFACT_SHA256, derived.sha256());
    m.setBody(done.toFile());
  }

  /** The decode failed: drop the partial derived file, record why, keep the raw file. */
  public void failed(Exchange exchange) throws IOException {
    Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
    DerivedFile derived = exchange.getProperty(DERIVED, DerivedFile.class);
    if (derived != null) {
      derived.close();
    }
    if (exchange.getProperty(READER) instanceof AutoCloseable c) {
      try {
        c.close();
      } catch (Exception ignored) {
        // closing a read-only file cannot lose anything
      }
    }
    String message = cause == null ? "unknown decode failure" : cause.getMessage();
    long id = exchange.getMessage().getHeader(IntakeHeaders.FILE_ID, Long.class);
    ledger.failed(id, message);
    LOG.warn("decode failed, raw file kept: {}", message);
  }

  private static String truncation(boolean truncated, int leftover) {
    return truncated ? " (truncated: " + leftover + " bytes after the last complete one)" : "";
  }

  private void startDerived(
      Exchange exchange, File raw, String name, String artifact, List<String> header)
      throws IOException {
    DerivedFile derived = new DerivedFile(raw.toPath().resolveSibling(derivedName(name, artifact)));
    derived.append(
        (CsvFormats.CARAVAN.format(header.toArray()) + "\n").getBytes(StandardCharsets.UTF_8));
    exchange.setProperty(DERIVED, derived);
    exchange.setProperty(ARTIFACT, artifact);
  }
}
