package dev.caravan.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.app.AppHarness;
import dev.caravan.ledger.DeliveryRow;
import dev.caravan.ledger.DeliveryState;
import dev.caravan.testing.KafkaTestBroker;
import dev.caravan.testing.Samples;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka as a destination, against a real broker (KRaft) in the test's JVM: the records, events,
 * summaries and file lifecycle of the samples arrive, counted and equal to the CSVs and summaries
 * delivered to the archive; the broker stopped in the middle of a run holds back nothing else, and
 * once it is back every message is there.
 */
class KafkaRouteTest {

  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path tmp;

  @Test
  void whatIsDecodedArrivesInKafkaAndABrokerOutageLosesNothing() throws Exception {
    try (KafkaTestBroker broker = new KafkaTestBroker(tmp.resolve("kafka"));
        AppHarness app =
            new AppHarness(tmp, null)
                .set("caravan.kafka.enabled", "true")
                .set("caravan.kafka.brokers", broker.bootstrap())
                .set("caravan.kafka.timeout", "3000")
                .set("caravan.kafka.request-timeout", "2000")
                .set("caravan.insight.enabled", "true")
                .set("caravan.insight.report-interval", "3600000")
                .start()) {
      Files.copy(Samples.dslog(Samples.CTRE), app.inbox.resolve(Samples.CTRE + ".dslog"));
      Files.copy(Samples.dsevents(Samples.CTRE), app.inbox.resolve(Samples.CTRE + ".dsevents"));
      awaitKafka(app, 2);

      // the broker goes away: the archive goes on, Kafka's deliveries wait and are retried
      broker.stop();
      Files.copy(Samples.dslog(Samples.MIXED), app.inbox.resolve(Samples.MIXED + ".dslog"));
      AppHarness.await(
          Duration.ofSeconds(60),
          "the new log in the archive and a failed attempt at Kafka",
          () ->
              app.deliveries().stream()
                      .anyMatch(
                          d ->
                              d.destination().equals("archive")
                                  && d.state() == DeliveryState.VERIFIED
                                  && d.remotePath().contains(Samples.MIXED))
                  && app.deliveries().stream()
                      .anyMatch(d -> d.destination().equals("kafka") && d.attempts() > 0));
      broker.start();
      awaitKafka(app, 3);

      Map<String, List<JsonNode>> topics = consume(broker.bootstrap());
      // records: one message per CSV row of each log, in order, every value equal
      for (String log : List.of(Samples.CTRE, Samples.MIXED)) {
        List<CSVRecord> rows = csv(archived(app, log + ".v1.csv"));
        List<JsonNode> messages =
            topics.get("caravan.records").stream()
                .filter(m -> m.get("log").asText().equals(log + ".dslog"))
                .toList();
        Set<Long> indexes = new HashSet<>();
        messages.forEach(m -> indexes.add(m.get("record_index").asLong()));
        assertThat(indexes).as("every record of %s, at least once", log).hasSize(rows.size());
        Map<Long, JsonNode> byIndex = new HashMap<>();
        messages.forEach(m -> byIndex.put(m.get("record_index").asLong(), m));
        for (CSVRecord row : rows) {
          JsonNode m = byIndex.get(Long.parseLong(row.get("record_index")));
          assertThat(m.get("time_utc").asText()).isEqualTo(row.get("time_utc"));
          assertThat(m.get("robot_disabled").asBoolean())
              .isEqualTo(Boolean.parseBoolean(row.get("robot_disabled")));
          for (String number : List.of("battery_v", "pd_total_a", "trip_ms", "pd_ch3")) {
            if (row.get(number).isEmpty()) {
              assertThat(m.get(number).isNull()).as(number).isTrue();
            } else {
              assertThat(m.get(number).asDouble())
                  .as(number)
                  .isEqualTo(Double.parseDouble(row.get(number)));
            }
          }
        }
      }
      // events of the .dsevents, one message each
      assertThat(topics.get("caravan.events"))
          .hasSize(csv(archived(app, Samples.CTRE + ".v1.events.csv")).size());
      // the summaries, as delivered to the archive
      assertThat(topics.get("caravan.summaries")).hasSize(2);
      assertThat(topics.get("caravan.summaries"))
          .contains(
              JSON.readTree(Files.readString(archived(app, Samples.CTRE + ".v1.summary.json"))));
      // one lifecycle message per file taken, with its hash
      assertThat(topics.get("caravan.files"))
          .extracting(m -> m.get("sha256").asText())
          .containsExactlyInAnyOrderElementsOf(
              app.files().stream().map(dev.caravan.ledger.FileRow::sha256).toList());
    }
  }

  /** Every delivery to Kafka (and the archive) verified, for this many files. */
  static void awaitKafka(AppHarness app, int files) throws InterruptedException {
    AppHarness.await(
        Duration.ofSeconds(90),
        files + " files published to Kafka",
        () -> {
          List<DeliveryRow> d = app.deliveries();
          return app.files().size() == files
              && d.stream().filter(x -> x.destination().equals("kafka")).count()
                  == d.stream().filter(x -> x.destination().equals("archive")).count()
              && d.stream().allMatch(x -> x.state() == DeliveryState.VERIFIED);
        });
  }

  static Path archived(AppHarness app, String name) {
    return app.archive.resolve(
        app.deliveries().stream()
            .filter(d -> d.destination().equals("archive") && d.remotePath().endsWith("/" + name))
            .findFirst()
            .orElseThrow()
            .remotePath());
  }

  static List<CSVRecord> csv(Path file) throws Exception {
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8);
        CSVParser p =
            CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(r)) {
      return p.getRecords();
    }
  }

  /** Every message of Caravan's four topics, from the beginning. */
  static Map<String, List<JsonNode>> consume(String bootstrap) throws Exception {
    Map<String, List<JsonNode>> out = new HashMap<>();
    List<String> topics =
        List.of("caravan.records", "caravan.events", "caravan.summaries", "caravan.files");
    topics.forEach(t -> out.put(t, new ArrayList<>()));
    try (var c =
        new KafkaConsumer<String, String>(
            Map.of(
                "bootstrap.servers", bootstrap,
                "group.id", "kafka-route-test",
                "auto.offset.reset", "earliest",
                "max.poll.records", "5000"),
            new StringDeserializer(),
            new StringDeserializer())) {
      c.subscribe(topics);
      int empty = 0;
      while (empty < 3) {
        var got = c.poll(Duration.ofSeconds(3));
        empty = got.isEmpty() ? empty + 1 : 0;
        for (ConsumerRecord<String, String> r : got) {
          out.get(r.topic()).add(JSON.readTree(r.value()));
        }
      }
    }
    return out;
  }
}
