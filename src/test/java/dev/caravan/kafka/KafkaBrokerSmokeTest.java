package dev.caravan.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.testing.KafkaTestBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaBrokerSmokeTest {
  @TempDir Path tmp;

  @Test
  void aRecordGoesThrough() throws Exception {
    try (KafkaTestBroker broker = new KafkaTestBroker(tmp.resolve("kafka"))) {
      try (var p =
          new KafkaProducer<String, String>(
              Map.of("bootstrap.servers", broker.bootstrap()),
              new StringSerializer(),
              new StringSerializer())) {
        p.send(new ProducerRecord<>("t", "k", "v")).get();
      }
      try (var c =
          new KafkaConsumer<String, String>(
              Map.of(
                  "bootstrap.servers", broker.bootstrap(),
                  "group.id", "g",
                  "auto.offset.reset", "earliest"),
              new StringDeserializer(),
              new StringDeserializer())) {
        c.subscribe(List.of("t"));
        var got = c.poll(Duration.ofSeconds(20));
        assertThat(got.count()).isEqualTo(1);
      }
    }
  }
}
