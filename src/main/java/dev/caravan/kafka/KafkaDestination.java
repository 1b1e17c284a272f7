package dev.caravan.kafka;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.deliver.Deliveries;
import dev.caravan.ledger.Delivery;
import dev.caravan.ledger.FileRow;
import dev.caravan.ledger.Ledger;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;

/**
 * Kafka as a destination (routes/deliver-kafka.camel.yaml): what Caravan decodes is published as
 * JSON, keyed by the log's name so a log's messages keep their order, through the delivery queue
 * like any copy (a broker that is down holds back only its own queue, and the ledger knows what was
 * published). Per artifact: a raw file is one lifecycle message on the files topic; a log's CSV one
 * message per record on the records topic ({@code .wpilog} data records too); a {@code .dsevents}'
 * CSV one per event on the events topic; a summary its JSON on the summaries topic. Other artifacts
 * (Parquet, reports) are not published. The proof of a copy is the broker's acknowledgement of
 * every message by all in-sync replicas, from an idempotent producer.
 */
public final class KafkaDestination implements dev.caravan.deliver.CopyCheck {

  /** How a published copy is proven, as the ledger records it. */
  public static final String METHOD = "kafka-acks-all";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String MESSAGES = "CaravanKafkaMessages";

  private final Ledger ledger;
  private final Map<String, String> topics;
  private final int chunk;

  /**
   * @param topics the topic of each kind of message: files, records, events, summaries
   * @param chunk messages per send
   */
  public KafkaDestination(Ledger ledger, Map<String, String> topics, int chunk) {
    this.ledger = ledger;
    this.topics = topics;
    this.chunk = chunk;
  }

  /**
   * The messages of the delivery in the body, in chunks for the route's split to send; the topic
   * and key as headers. An artifact that is not published gives none.
   */
  public Iterator<List<String>> plan(Exchange exchange) throws IOException {
    Delivery d = exchange.getProperty(Deliveries.DELIVERY, Delivery.class);
    Message m = exchange.getMessage();
    String topic = topic(d.artifact());
    FileRow file = ledger.file(d.fileId()).orElse(null);
    // the raw log's name (NAME.v1.csv is a derived file of NAME.dslog): a log's messages share a
    // key
    String log = file == null ? d.name() : file.name();
    m.setHeader(KafkaConstants.KEY, log);
    m.setHeader(KafkaConstants.OVERRIDE_TOPIC, topic);
    Iterator<List<String>> messages;
    if (topic == null) {
      messages = List.<List<String>>of().iterator();
    } else if (d.artifact().equals("raw")) {
      messages = List.of(List.of(lifecycle(d, file))).iterator();
    } else if (d.artifact().equals("summary.json")) {
      messages = List.of(List.of(Files.readString(d.local()))).iterator();
    } else {
      KafkaMessages rows = new KafkaMessages(d.local(), d.artifact(), log, d.fileId(), chunk);
      exchange.setProperty(MESSAGES, rows);
      messages = rows;
    }
    return messages;
  }

  /** Every message was acknowledged: the copy is verified, with the topic and the count. */
  public void verify(Exchange exchange) throws IOException {
    Delivery d = exchange.getProperty(Deliveries.DELIVERY, Delivery.class);
    String topic = topic(d.artifact());
    KafkaMessages rows = exchange.getProperty(MESSAGES, KafkaMessages.class);
    long count = rows == null ? (topic == null ? 0 : 1) : rows.count();
    Deliveries.proven(
        exchange,
        d,
        topic == null ? "(not published)" : topic + " (" + count + " messages)",
        METHOD);
  }

  /** After the attempt, however it ended: the CSV being read is closed. */
  public void close(Exchange exchange) throws IOException {
    KafkaMessages rows = exchange.getProperty(MESSAGES, KafkaMessages.class);
    if (rows != null) {
      rows.close();
    }
  }

  /** The topic of an artifact's messages, or null for one that is not published. */
  String topic(String artifact) {
    return switch (artifact) {
      case "raw" -> topics.get("files");
      case "csv", "wpilog.csv" -> topics.get("records");
      case "events.csv" -> topics.get("events");
      case "summary.json" -> topics.get("summaries");
      default -> null;
    };
  }

  private static String lifecycle(Delivery d, FileRow f) throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("event", "taken");
    m.put("file_id", d.fileId());
    m.put("name", d.name());
    if (f != null) {
      m.put("source", f.source());
      m.put("source_path", f.sourcePath());
      m.put("kind", f.kind());
    }
    m.put("sha256", d.sha256());
    m.put("size", d.size());
    m.put("log_start", d.logStart() == null ? null : d.logStart().toString());
    return JSON.writeValueAsString(m);
  }

  /**
   * A published message is not read back (that would consume it): the broker's acknowledgement by
   * every in-sync replica, recorded at delivery, is the proof.
   */
  @Override
  public java.util.Optional<String> check(dev.caravan.ledger.DeliveryRow copy) {
    return java.util.Optional.empty();
  }
}
