package dev.caravan.decode;

import dev.caravan.csv.DslogCsvWriter;
import dev.caravan.csv.EventsCsvWriter;
import dev.caravan.csv.RowWriter;
import dev.caravan.csv.WpilogCsvWriter;
import dev.caravan.dslog.DecoderVersion;
import dev.caravan.dslog.DsEvent;
import dev.caravan.dslog.DsEventsReader;
import dev.caravan.dslog.DslogFormatException;
import dev.caravan.dslog.DslogReader;
import dev.caravan.dslog.DslogRecord;
import dev.caravan.dslog.LogReader;
import dev.caravan.dslog.WpilogReader;
import dev.caravan.dslog.WpilogRecord;
import dev.caravan.files.DerivedFile;
import dev.caravan.files.FileHeaders;
import dev.caravan.insight.PowerTally;
import dev.caravan.ledger.Ledger;
import java.io.File;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Predicate;
import org.apache.camel.support.DefaultExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Java side of the decode routes: opens a landed log as chunks of records (or events) for the
 * route's split, keeps the records the route's filter accepts, writes their CSV rows with the
 * writer {@code convert} uses, and completes the derived file.
 *
 * <p>A log that cannot be decoded throws {@link DslogFormatException} when opened or {@link
 * dev.caravan.dslog.MalformedLogException} while split (the route marks the file failed and goes
 * on); a truncated one decodes up to its last complete record and is marked failed too, with that
 * part delivered.
 */
public final class DecodeSteps {

  /** Exchange properties shared with the split's sub-exchanges. */
  public static final String DECODING = "CaravanDecoding",
      /** The route's record filter, a Simple predicate ({@code caravan.decode.filter}). */
      FILTER = "CaravanRecordFilter",
      /** The route's CSV columns ({@code caravan.decode.columns}), blank for all. */
      COLUMNS = "CaravanColumns";

  private static final Logger LOG = LoggerFactory.getLogger(DecodeSteps.class);

  private final Ledger ledger;
  private final int chunk;
  private final dev.caravan.insight.WpilogPower.Names wpilogPower;

  /** Each filter text compiled once, the first time a route uses it. */
  private final Map<String, Predicate> filters = new ConcurrentHashMap<>();

  /**
   * @param chunk records (or events) per exchange of the split ({@code caravan.decode.chunk})
   */
  public DecodeSteps(Ledger ledger, int chunk, dev.caravan.insight.WpilogPower.Names wpilogPower) {
    this.ledger = ledger;
    this.chunk = chunk;
    this.wpilogPower = wpilogPower;
  }

  /**
   * One log being decoded: its reader, the CSV file and the writer of its rows; {@code power}
   * follows a {@code .wpilog}'s power for the insight (null for the others).
   */
  private record Decoding<T>(
      LogReader<T> reader,
      DerivedFile file,
      RowWriter<T> writer,
      String artifact,
      dev.caravan.insight.WpilogPower power) {}

  /**
   * The records of the landed {@code .dslog} in the body, in chunks, for a streaming split. Each
   * record is tallied for the insight summary ({@link FileHeaders#TALLY}) as it is read: the same
   * pass, and every record, whatever the filter keeps for the CSV.
   */
  public Iterator<List<DslogRecord>> openDslog(Exchange exchange) throws IOException {
    List<String> columns = DslogCsvWriter.columns(exchange.getProperty(COLUMNS, String.class));
    DslogReader reader = DslogReader.open(landed(exchange).toPath());
    PowerTally tally = new PowerTally();
    exchange.setProperty(FileHeaders.TALLY, tally);
    DerivedFile file = derived(exchange, "csv", reader);
    DslogCsvWriter writer = new DslogCsvWriter(file.stream(), name(exchange), columns);
    exchange.setProperty(DECODING, new Decoding<>(reader, file, writer, "csv", null));
    return chunks(reader, tally::accept);
  }

  /** The events of the landed {@code .dsevents} in the body, in chunks. */
  public Iterator<List<DsEvent>> openDsevents(Exchange exchange) throws IOException {
    DsEventsReader reader = DsEventsReader.open(landed(exchange).toPath());
    DerivedFile file = derived(exchange, "events.csv", reader);
    EventsCsvWriter writer =
        new EventsCsvWriter(
            new OutputStreamWriter(file.stream(), StandardCharsets.UTF_8), name(exchange), false);
    exchange.setProperty(DECODING, new Decoding<>(reader, file, writer, "events.csv", null));
    return chunks(reader, e -> {});
  }

  /**
   * The data records of the landed {@code .wpilog} in the body, in chunks; its power and modes are
   * followed on the way for the insight ({@link dev.caravan.insight.WpilogPower}).
   */
  public Iterator<List<WpilogRecord>> openWpilog(Exchange exchange) throws IOException {
    WpilogReader reader = WpilogReader.open(landed(exchange).toPath());
    DerivedFile file = derived(exchange, "wpilog.csv", reader);
    WpilogCsvWriter writer =
        new WpilogCsvWriter(new OutputStreamWriter(file.stream(), StandardCharsets.UTF_8));
    dev.caravan.insight.WpilogPower power = new dev.caravan.insight.WpilogPower(wpilogPower);
    exchange.setProperty(DECODING, new Decoding<>(reader, file, writer, "wpilog.csv", power));
    return chunks(reader, power);
  }

  /**
   * The records of the chunk in the body that the route's filter ({@link #FILTER}) keeps. The
   * filter text is compiled once; {@code true} keeps all without asking.
   */
  public List<DslogRecord> keep(List<DslogRecord> records, Exchange exchange) {
    String text = exchange.getProperty(FILTER, "true", String.class).trim();
    if (text.equals("true")) {
      return records;
    }
    CamelContext context = exchange.getContext();
    Predicate filter =
        filters.computeIfAbsent(
            text,
            t -> {
              Predicate p = context.resolveLanguage("simple").createPredicate(t);
              p.init(context);
              return p;
            });
    Exchange one = new DefaultExchange(context);
    List<DslogRecord> kept = new ArrayList<>(records.size());
    for (DslogRecord r : records) {
      one.getMessage().setBody(r);
      if (filter.matches(one)) {
        kept.add(r);
      }
    }
    return kept;
  }

  /** Writes the CSV rows of the chunk in the body. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public void write(List<?> items, Exchange exchange) throws IOException {
    RowWriter writer = exchange.getProperty(DECODING, Decoding.class).writer();
    for (Object item : items) {
      writer.write(item);
    }
  }

  /**
   * After the split: syncs and renames the derived file into place, records the decode, and makes
   * the derived file the body for delivery.
   */
  public void complete(Exchange exchange) throws IOException {
    Message m = exchange.getMessage();
    Decoding<?> decoding = exchange.getProperty(DECODING, Decoding.class);
    decoding.writer().flush();
    Path done = decoding.file().complete();
    LogReader<?> reader = decoding.reader();
    reader.close();
    String detail = reader.describe();
    long id = m.getHeader(FileHeaders.FILE_ID, Long.class);
    ledger.decoded(
        id,
        DecoderVersion.VERSION,
        m.getHeader(FileHeaders.LOG_START, java.time.Instant.class),
        detail + " -> " + done.getFileName());
    if (reader.truncated()) {
      // Nothing is thrown away: the complete part is delivered, and the file ends up failed.
      m.setHeader(
          FileHeaders.TRUNCATED,
          m.getHeader(FileHeaders.SOURCE_PATH)
              + " is truncated: "
              + detail
              + "; the complete part was decoded and delivered");
    }
    m.setHeader("CaravanDecoded", detail);
    if (decoding.power() != null) {
      // a .wpilog with the power entries gets a summary too; one without, none
      PowerTally tally = decoding.power().finish();
      if (tally != null) {
        exchange.setProperty(FileHeaders.TALLY, tally);
      }
    }
    m.setHeader(FileHeaders.ARTIFACT, decoding.artifact());
    m.setHeader(FileHeaders.ARTIFACT_SHA256, decoding.file().sha256());
    m.setBody(done.toFile());
  }

  /**
   * The decode failed: record why and keep the raw file (the route's {@code doFinally}, {@link
   * #discard}, then drops the partial derived file).
   */
  public void failed(Exchange exchange) {
    Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
    String message = cause == null ? "unknown decode failure" : cause.getMessage();
    long id = exchange.getMessage().getHeader(FileHeaders.FILE_ID, Long.class);
    ledger.failed(id, message);
    LOG.warn("decode failed, raw file kept: {}", message);
  }

  /**
   * After the decode, however it ended: an unfinished derived file is deleted and the reader closed
   * (a no-op after {@link #complete}). A stop in the middle of the split, or an error other than a
   * format error, would otherwise leave a temporary file in landing.
   */
  public void discard(Exchange exchange) throws IOException {
    Decoding<?> decoding = exchange.getProperty(DECODING, Decoding.class);
    if (decoding != null) {
      decoding.file().close();
      try {
        decoding.reader().close();
      } catch (IOException ignored) {
        // closing a read-only file cannot lose anything
      }
    }
  }

  private static File landed(Exchange exchange) {
    return exchange.getMessage().getBody(File.class);
  }

  private static String name(Exchange exchange) {
    return exchange.getMessage().getHeader(FileHeaders.NAME, String.class);
  }

  /** The derived file beside the landed one; the reader is closed if it cannot be made. */
  private static DerivedFile derived(Exchange exchange, String artifact, LogReader<?> reader)
      throws IOException {
    try {
      return new DerivedFile(
          landed(exchange).toPath().resolveSibling(DerivedFile.name(name(exchange), artifact)));
    } catch (IOException | RuntimeException e) {
      reader.close();
      throw e;
    }
  }

  /** The reader's items, {@link #chunk} at a time, each passed to {@code tap} as it is read. */
  private <T> Iterator<List<T>> chunks(LogReader<T> reader, Consumer<T> tap) {
    Iterator<T> items = reader.iterator();
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return items.hasNext();
      }

      @Override
      public List<T> next() {
        if (!items.hasNext()) {
          throw new NoSuchElementException();
        }
        List<T> list = new ArrayList<>(chunk);
        while (list.size() < chunk && items.hasNext()) {
          T item = items.next();
          tap.accept(item);
          list.add(item);
        }
        return list;
      }
    };
  }
}
