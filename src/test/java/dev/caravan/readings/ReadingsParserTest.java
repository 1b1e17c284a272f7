package dev.caravan.readings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The readings' time, read by hand in its usual form, agrees with java.time on every form. */
class ReadingsParserTest {

  @Test
  void theHandReadTimeAgreesWithJavaTime() {
    for (String t :
        List.of(
            "2026-12-07T10:15:30Z",
            "2026-12-07T10:15:30.5Z",
            "2026-12-07T10:15:30.123456789Z",
            "2026-12-07T23:59:59.000001Z",
            "1999-02-28T00:00:00.25Z",
            "2026-12-07T10:15:30.Z",
            "2026-12-07T11:15:30+01:00",
            "2026-12-07T10:15:30.75-05:30")) {
      assertThat(ReadingsParser.time(t)).as(t).isEqualTo(OffsetDateTime.parse(t).toInstant());
    }
    assertThat(ReadingsParser.time("2026-12-07T10:15:30.000000001Z"))
        .isEqualTo(Instant.ofEpochSecond(1796638530L, 1));
    for (String bad :
        List.of(
            "2026-12-07T10:15:30",
            "2026-02-30T10:15:30Z",
            "2026-12-07T25:15:30Z",
            "2026-12-07T10:15:30.1234567890Z",
            "2026-12-07 10:15:30Z",
            "yesterday")) {
      assertThatThrownBy(() -> ReadingsParser.time(bad))
          .as(bad)
          .isInstanceOf(DateTimeParseException.class);
    }
  }

  @Test
  void aBatchKeepsItsGoodReadingsAndNamesEachBadOne() {
    ReadingsParser.Batch b =
        new ReadingsParser("own")
            .parse(
                "[{\"time\":\"2026-12-07T10:00:00Z\",\"values\":{\"a\":1}},"
                    + "{\"time\":\"2026-12-07T10:00:00Z\",\"values\":{\"a\":1e400}},"
                    + "{\"station\":5,\"time\":\"2026-12-07T10:00:00Z\",\"values\":{\"a\":1}},"
                    + "{\"time\":\"2026-12-07T10:00:00Z\",\"values\":{\"time\":1}},"
                    + "7]");
    assertThat(b.readings()).hasSize(1);
    assertThat(b.readings().get(0).station()).isEqualTo("own");
    assertThat(b.problems())
        .containsExactly(
            "reading 1: value 'a' is out of a double's range",
            "reading 2: station must be a non-empty string, not 5",
            "reading 3: value name 'time' is blank or taken (station, time)",
            "reading 4: not a JSON object");
  }
}
