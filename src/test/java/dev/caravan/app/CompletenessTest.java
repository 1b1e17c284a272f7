package dev.caravan.app;

import static dev.caravan.app.AppHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.files.Sha256;
import dev.caravan.ledger.DeliveryState;
import dev.caravan.ledger.FileRow;
import dev.caravan.ledger.Watermarks;
import dev.caravan.testing.Samples;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Completeness markers and the "finalized until" watermark, per destination. */
class CompletenessTest {

  @TempDir Path tmp;

  @Test
  void eachCompleteDayGetsAVerifiedMarkerAndTheWatermarkMovesOnlyWhereEverythingIsVerified()
      throws Exception {
    try (AppHarness app =
        new AppHarness(tmp, null)
            .set("caravan.finalize.enabled", "true")
            .set("caravan.finalize.quiet", "PT1S")
            .set("caravan.finalize.interval", "300")
            // a second destination that never answers: nothing can be complete there
            .set("caravan.destinations", "archive,sftp")
            .set("caravan.sftp.enabled", "true")
            .set("caravan.sftp.host", "127.0.0.1")
            .set("caravan.sftp.port", "1")
            .set("caravan.sftp.password", "x")
            .set("caravan.sftp.strict-host-key-checking", "no")
            .set("caravan.sftp.timeout", "500")
            .set("caravan.deliver.max-attempts", "1000")
            .start()) {
      for (Path sample : Files.list(Samples.LOGS).toList()) {
        Files.copy(sample, app.inbox.resolve(sample.getFileName()));
      }
      Path marker = app.archive.resolve("2022/02/26/local_2022-02-26_finalized.json");
      await(
          Duration.ofSeconds(30),
          "the watermark past the last day",
          () ->
              new Watermarks(app.ledger())
                  .watermark("local", "archive")
                  .orElse("")
                  .equals("2022-03-20"));

      // the 26th: the CTRE log and its events (header times on that UTC day)
      JsonNode json = new ObjectMapper().readTree(marker.toFile());
      assertThat(json.get("source").asText()).isEqualTo("local");
      assertThat(json.get("period").asText()).isEqualTo("2022-02-26");
      List<FileRow> day =
          app.files().stream()
              .filter(f -> f.source().equals("local"))
              .filter(f -> f.name().startsWith(Samples.CTRE))
              .toList();
      assertThat(json.get("fileCount").asInt()).isEqualTo(2);
      assertThat(json.get("totalBytes").asLong())
          .isEqualTo(day.stream().mapToLong(FileRow::size).sum());
      Map<String, String> listed = new java.util.HashMap<>();
      json.get("files").forEach(f -> listed.put(f.get("name").asText(), f.get("sha256").asText()));
      assertThat(listed)
          .isEqualTo(day.stream().collect(Collectors.toMap(FileRow::name, FileRow::sha256)));
      for (JsonNode f : json.get("files")) {
        Path copy = app.archive.resolve(f.get("copies").get("raw").asText());
        assertThat(Sha256.of(copy)).isEqualTo(f.get("sha256").asText());
      }

      // one marker per day with files, each verified at the archive; none at the dead server
      List<Watermarks.Period> periods = new Watermarks(app.ledger()).periods();
      assertThat(periods)
          .extracting(Watermarks.Period::period)
          .containsExactly("2022-02-26", "2022-02-27", "2022-03-01", "2022-03-19");
      assertThat(periods)
          .allMatch(p -> p.destination().equals("archive") && p.verifiedAt() != null);
      assertThat(new Watermarks(app.ledger()).watermark("local", "sftp")).isEmpty();
      assertThat(app.deliveries().stream().filter(d -> d.fileName().endsWith("_finalized.json")))
          .hasSize(4)
          .allMatch(d -> d.destination().equals("archive") && d.state() == DeliveryState.VERIFIED);
    }
  }
}
