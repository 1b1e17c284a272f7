package dev.caravan.readings;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.files.FileHeaders;
import dev.caravan.ledger.Ledger;
import dev.caravan.parquet.ParquetException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Java side of {@code routes/readings.camel.yaml}: readings posted to {@code /api/readings} are
 * kept in the {@link ReadingSpool} (the answer comes once they are on disk), each window is written
 * as Parquet into the outbox once its end plus the grace has passed, and the outbox's files go the
 * way of every file (claimed in the ledger, landed, delivered and verified everywhere).
 */
public final class ReadingsSteps {

  /** The source name of the window files in the ledger. */
  public static final String SOURCE = "readings";

  /** Problems listed in an answer at most (the count is always given). */
  static final int MAX_PROBLEMS = 100;

  private static final Logger LOG = LoggerFactory.getLogger("caravan.readings");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final boolean enabled;
  private final ReadingsParser parser;
  private final ReadingSpool spool;
  private final WindowWriter writer;
  private final Ledger ledger;
  private final Path outbox;
  private final Clock clock;
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();
  private final AtomicLong windows = new AtomicLong();

  public ReadingsSteps(
      boolean enabled,
      ReadingsParser parser,
      ReadingSpool spool,
      WindowWriter writer,
      Ledger ledger,
      Path outbox,
      Clock clock) {
    this.enabled = enabled;
    this.parser = parser;
    this.spool = spool;
    this.writer = writer;
    this.ledger = ledger;
    this.outbox = outbox;
    this.clock = clock;
  }

  /**
   * POST /api/readings: 200 with the count once every reading is on disk; 400 naming each bad
   * reading (the good ones of the batch are kept, the answer says how many); 503 if the disk
   * refused them (none is kept then, the client sends them again).
   */
  public void post(Exchange exchange) throws IOException {
    Map<String, Object> answer = new LinkedHashMap<>();
    int status;
    if (!enabled) {
      status = 404;
      answer.put("error", "the readings intake is off (caravan.readings.enabled)");
    } else {
      ReadingsParser.Batch batch = parser.parse(exchange.getMessage().getBody(String.class));
      status = batch.problems().isEmpty() ? 200 : 400;
      try {
        keep(batch, "POST /api/readings");
        answer.put("accepted", batch.readings().size());
      } catch (IOException e) {
        status = 503;
        answer.put("accepted", 0);
        answer.put("error", "readings not kept, send them again: " + e);
        LOG.error("readings not kept: {}", e.toString());
      }
      answer.put("rejected", batch.problems().size());
      if (!batch.problems().isEmpty()) {
        answer.put(
            "problems",
            batch.problems().subList(0, Math.min(MAX_PROBLEMS, batch.problems().size())));
      }
    }
    Message m = exchange.getMessage();
    m.setBody(JSON.writeValueAsBytes(answer));
    m.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
    m.setHeader(Exchange.CONTENT_TYPE, "application/json");
  }

  /**
   * A message of the readings topic (a JSON array of readings, or one): its good readings are kept
   * on disk before its offset is committed; bad ones are named in the log. A disk that refuses them
   * throws, and the consumer takes the message again.
   */
  public void fromKafka(Exchange exchange) throws IOException {
    Message m = exchange.getMessage();
    keep(
        parser.parse(m.getBody(String.class)),
        "Kafka "
            + m.getHeader(KafkaConstants.TOPIC)
            + "-"
            + m.getHeader(KafkaConstants.PARTITION)
            + " at offset "
            + m.getHeader(KafkaConstants.OFFSET));
    KafkaManualCommit commit = m.getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class);
    if (commit != null) {
      commit.commit();
    }
  }

  /**
   * A file dropped in the readings folder: its good readings kept on disk (the route then moves the
   * file to {@code .done/}); bad lines are named in the log. A file with no good reading at all
   * fails, and the route moves it to {@code .failed/}.
   */
  public void fromFile(Exchange exchange) throws IOException {
    Message m = exchange.getMessage();
    String name = m.getHeader(Exchange.FILE_NAME, String.class);
    ReadingsParser.Batch batch = parser.parseFile(name, m.getBody(String.class));
    keep(batch, "file " + name);
    if (batch.readings().isEmpty()) {
      throw new IllegalArgumentException(
          "readings file "
              + name
              + " holds no good reading"
              + (batch.problems().isEmpty() ? "" : ": " + batch.problems().get(0)));
    }
    LOG.info("readings file {}: {} kept", name, batch.readings().size());
  }

  /**
   * A batch from any intake: its bad readings counted and named in the log (the first of them), its
   * good ones kept on disk and counted; an I/O error keeps none.
   */
  private void keep(ReadingsParser.Batch batch, String from) throws IOException {
    rejected.addAndGet(batch.problems().size());
    if (!batch.problems().isEmpty()) {
      LOG.warn(
          "readings from {}: {} rejected, {} good; first: {}",
          from,
          batch.problems().size(),
          batch.readings().size(),
          batch.problems().get(0));
    }
    if (!batch.readings().isEmpty()) {
      spool.append(batch.readings());
      accepted.addAndGet(batch.readings().size());
    }
  }

  /** Whether a part's file is the ledger's already, or waiting in the outbox. */
  private boolean taken(String path) {
    return ledger.holds(SOURCE, path) || Files.exists(outbox.resolve(path));
  }

  /**
   * Seals the windows that are due and writes every sealed one into the outbox. A part found sealed
   * that the ledger already has (written before a crash) is not written again. A part sealed now
   * whose number is taken already, in the ledger or the outbox (its window's count of parts was
   * forgotten after caravan.readings.parts-kept, and readings for it came again), gets the next
   * free number: its readings are never dropped, nor another part's file replaced.
   */
  public void writeDue() throws IOException {
    for (ReadingSpool.Sealed sealed : spool.seal(clock.instant())) {
      ReadingSpool.Sealed s = sealed;
      List<Reading> readings = ReadingSpool.read(s.file());
      if (!readings.isEmpty()) {
        String station = readings.get(0).station();
        String path = WindowWriter.path(station, s.windowStartS(), s.part());
        if (s.fresh() && taken(path)) {
          int part = s.part() + 1;
          while (taken(WindowWriter.path(station, s.windowStartS(), part))) {
            part++;
          }
          s = spool.renumber(s, part); // one rename and sync, to the first free number
          path = WindowWriter.path(station, s.windowStartS(), s.part());
        }
        if (!ledger.holds(SOURCE, path)) {
          try {
            writer.write(readings, outbox.resolve(path));
          } catch (ParquetException e) {
            LOG.error("{}; kept in {}, tried again next time", e.getMessage(), s.file());
            continue;
          }
          LOG.info("readings: {} ({} readings)", path, readings.size());
          windows.incrementAndGet();
        }
      }
      spool.done(s);
    }
  }

  /** A window file from the outbox: delivered under its own folders (its Hive partition). */
  public void partition(Exchange exchange) {
    Message m = exchange.getMessage();
    String relative = m.getHeader(FileHeaders.SOURCE_PATH, String.class);
    int slash = relative.lastIndexOf('/');
    if (slash > 0) {
      m.setHeader(FileHeaders.PARTITION, relative.substring(0, slash));
    }
  }

  /** Readings kept since the start. */
  public long accepted() {
    return accepted.get();
  }

  /** Readings refused since the start. */
  public long rejected() {
    return rejected.get();
  }

  /** Windows (parts) written since the start. */
  public long windows() {
    return windows.get();
  }
}
