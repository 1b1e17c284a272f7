package dev.caravan.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.app.AppHarness;
import dev.caravan.testing.KafkaTestBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Readings from a Kafka topic, against a real broker: each message's good readings end up in the
 * window's Parquet; a message that is not JSON is passed over (loudly) and the next ones still
 * arrive.
 */
class ReadingsFromKafkaTest {

  @TempDir Path tmp;

  @Test
  void readingsOnATopicArriveInTheirWindowsParquet() throws Exception {
    try (KafkaTestBroker broker = new KafkaTestBroker(tmp.resolve("kafka"))) {
      try (var p =
          new KafkaProducer<String, String>(
              Map.of("bootstrap.servers", broker.bootstrap(), "acks", "all"),
              new StringSerializer(),
              new StringSerializer())) {
        for (String message :
            List.of(
                "[{\"station\":\"k\",\"time\":\"2026-12-02T08:00:01Z\",\"values\":{\"v\":1}},"
                    + "{\"station\":\"k\",\"time\":\"2026-12-02T08:00:02Z\",\"values\":{\"v\":2}}]",
                "{\"station\":\"k\",\"time\":\"2026-12-02T08:00:03Z\",\"values\":{\"v\":3}}",
                "not json at all",
                "[{\"station\":\"k\",\"time\":\"2026-12-02T08:00:04Z\",\"values\":{\"v\":\"x\"}},"
                    + "{\"station\":\"k\",\"time\":\"2026-12-02T08:14:59Z\",\"values\":{\"v\":4}}]")) {
          p.send(new ProducerRecord<>("caravan.readings", message)).get();
        }
      }
      try (AppHarness app =
          new AppHarness(tmp, null)
              .set("caravan.kafka.brokers", broker.bootstrap())
              .set("caravan.readings.enabled", "true")
              .set("caravan.readings.kafka-enabled", "true")
              .set("caravan.readings.interval", "200")
              .set("caravan.readings.grace", "PT1S")
              .start()) {
        // the window is long due: the first readings are written at once, and those consumed
        // after that sealing go into a further part of it (data_0800_2.parquet), never lost
        Path day = app.archive.resolve("station=k/year=2026/month=12/day=02");
        AppHarness.await(
            Duration.ofSeconds(60), "the window's readings", () -> windowValues(day).size() >= 4);
        List<Double> values = windowValues(day);
        assertThat(values).containsExactly(1.0, 2.0, 3.0, 4.0);
        try (var parts = Files.list(day)) {
          assertThat(parts.map(p -> p.getFileName().toString()))
              .allMatch(n -> n.matches("data_0800(_[0-9]+)?\\.parquet"));
        }
      }
    }
  }

  /** The readings' values in every part of the window, in time order; empty until one is there. */
  private static List<Double> windowValues(Path day) {
    if (!Files.isDirectory(day)) {
      return List.of();
    }
    try {
      return dev.caravan.testing.DuckDbQuery.rows(
              "SELECT v FROM read_parquet('"
                  + day
                  + "/data_0800*.parquet', hive_partitioning = false) ORDER BY time")
          .stream()
          .map(Double::valueOf)
          .toList();
    } catch (java.sql.SQLException e) {
      return List.of(); // no part yet
    }
  }
}
