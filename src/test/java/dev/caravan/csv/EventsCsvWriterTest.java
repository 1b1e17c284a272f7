package dev.caravan.csv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.caravan.dslog.DsEvent;
import dev.caravan.dslog.DsEventsReader;
import dev.caravan.testing.Samples;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;

class EventsCsvWriterTest {

  private static List<CSVRecord> write(List<DsEvent> events, boolean split) throws IOException {
    StringWriter out = new StringWriter();
    try (EventsCsvWriter w = new EventsCsvWriter(out, "f,1.dsevents", split)) {
      for (DsEvent e : events) {
        w.write(e);
      }
    }
    try (CSVParser p =
        CSVParser.parse(
            new StringReader(out.toString()),
            CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get())) {
      assertThat(p.getHeaderNames())
          .isEqualTo(split ? EventsCsvWriter.MESSAGE_COLUMNS : EventsCsvWriter.ENTRY_COLUMNS);
      return p.getRecords();
    }
  }

  private static List<DsEvent> sample(String name) throws IOException {
    List<DsEvent> all = new ArrayList<>();
    try (DsEventsReader r = DsEventsReader.open(Samples.dsevents(name))) {
      for (DsEvent e = r.next(); e != null; e = r.next()) {
        all.add(e);
      }
    }
    return all;
  }

  @Test
  void everyEntryRoundTripsExactly() throws IOException {
    for (String name : Samples.DSEVENTS) {
      List<DsEvent> events = sample(name);
      List<CSVRecord> rows = write(events, false);
      assertThat(rows).hasSize(events.size());
      for (int i = 0; i < rows.size(); i++) {
        assertThat(rows.get(i).get("text")).isEqualTo(events.get(i).text());
        assertThat(rows.get(i).get("file")).isEqualTo("f,1.dsevents");
        assertThat(rows.get(i).get("event_index")).isEqualTo(Integer.toString(i));
        assertThat(Instant.parse(rows.get(i).get("time_utc"))).isEqualTo(events.get(i).time());
      }
    }
  }

  @Test
  void firstEventsOfTheCtreSample() throws IOException {
    List<CSVRecord> rows = write(sample(Samples.CTRE), false);
    assertThat(Double.parseDouble(rows.get(0).get("t_rel_s"))).isCloseTo(0.8627, within(5e-5));
    assertThat(rows.get(0).get("robot_time_s")).isEqualTo("4.803");
    assertThat(rows.get(0).get("message_count")).isEqualTo("1");
    assertThat(rows.get(1).get("text"))
        .contains("NT: server: client CONNECTED: 10.5.48.168 port 54553");
    assertThat(Double.parseDouble(rows.get(1).get("t_rel_s"))).isCloseTo(1.2966, within(5e-5));
    assertThat(Double.parseDouble(rows.get(2).get("t_rel_s"))).isCloseTo(1.5399, within(5e-5));
  }

  @Test
  void textWithCommasQuotesAndNewlinesRoundTrips() throws IOException {
    String text = "Info a, \"b\"\r\nline 2\n\ttab, and 'quote' ";
    Instant t = Instant.parse("2023-03-04T19:57:04.5Z");
    List<CSVRecord> rows = write(List.of(new DsEvent(0, 20, t, 1_500_000_000L, text)), false);
    assertThat(rows.get(0).get("text")).isEqualTo(text);
    assertThat(rows.get(0).get("t_rel_s")).isEqualTo("1.5");
    assertThat(rows.get(0).get("time_utc")).isEqualTo("2023-03-04T19:57:04.500Z");
  }

  @Test
  void fmsLineIsParsed() throws IOException {
    String text = "FMS Connected:   Qualification - 42:1, Field Time: 23/3/4 14:57:4\n";
    List<CSVRecord> rows = write(List.of(new DsEvent(0, 20, Instant.EPOCH, 0, text)), false);
    assertThat(rows.get(0).get("fms_match_type")).isEqualTo("Qualification");
    assertThat(rows.get(0).get("fms_match_number")).isEqualTo("42");
    assertThat(rows.get(0).get("fms_replay")).isEqualTo("1");
    assertThat(rows.get(0).get("fms_field_time")).isEqualTo("2023-03-04T14:57:04");
    assertThat(rows.get(0).get("message_count")).isEqualTo("0");
  }

  @Test
  void splitMessagesGivesOneRowPerMessage() throws IOException {
    String text =
        "Info Joystick 0: x <TagVersion>1 <time> 01:00.498 <count> 1 <flags> 1 <Code> -200"
            + " <details> CTR: No new response <location> Talon FX 63 <stack> at x.y"
            + "<TagVersion>1 <time> -00.000 <message> hello, \"world\" ";
    List<CSVRecord> rows = write(List.of(new DsEvent(3, 20, Instant.EPOCH, 0, text)), true);
    assertThat(rows).hasSize(3);
    assertThat(rows.get(0).get("kind")).isEqualTo("plain");
    assertThat(rows.get(0).get("text")).isEqualTo("Info Joystick 0: x");
    CSVRecord report = rows.get(1);
    assertThat(report.get("event_index")).isEqualTo("3");
    assertThat(report.get("message_index")).isEqualTo("1");
    assertThat(report.get("kind")).isEqualTo("report");
    assertThat(report.get("robot_time_s")).isEqualTo("60.498");
    assertThat(report.get("count")).isEqualTo("1");
    assertThat(report.get("flags")).isEqualTo("1");
    assertThat(report.get("code")).isEqualTo("-200");
    assertThat(report.get("text")).isEqualTo("CTR: No new response");
    assertThat(report.get("location")).isEqualTo("Talon FX 63");
    assertThat(report.get("stack")).isEqualTo("at x.y");
    CSVRecord message = rows.get(2);
    assertThat(message.get("kind")).isEqualTo("message");
    assertThat(message.get("robot_time_s")).isEqualTo("0");
    assertThat(message.get("text")).isEqualTo("hello, \"world\"");
    assertThat(message.get("code")).isEmpty();

    List<CSVRecord> entry = write(List.of(new DsEvent(3, 20, Instant.EPOCH, 0, text)), false);
    assertThat(entry.get(0).get("message_count")).isEqualTo("2");
    assertThat(entry.get(0).get("codes")).isEqualTo("-200");
    assertThat(entry.get(0).get("robot_time_s")).isEqualTo("60.498");
  }
}
