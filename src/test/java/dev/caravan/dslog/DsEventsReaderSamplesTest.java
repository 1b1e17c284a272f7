package dev.caravan.dslog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.caravan.testing.Samples;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The first events of each sample as the format doc lists them, and their parsed view. */
class DsEventsReaderSamplesTest {

  static List<DsEvent> readAll(String name) throws IOException {
    try (DsEventsReader r = DsEventsReader.open(Samples.dsevents(name))) {
      List<DsEvent> all = new ArrayList<>();
      for (DsEvent e = r.next(); e != null; e = r.next()) {
        all.add(e);
      }
      assertThat(r.truncated()).isFalse();
      assertThat(r.header().version()).isEqualTo(4);
      return all;
    }
  }

  private static double seconds(DsEvent e) {
    return e.relativeNanos() / 1e9;
  }

  @Test
  void ctreSampleEvents() throws IOException {
    List<DsEvent> events = readAll(Samples.CTRE);
    assertThat(events).hasSize(552);
    assertThat(seconds(events.get(0))).isCloseTo(0.8627, within(5e-5));
    assertThat(events.get(0).text())
        .isEqualTo(
            "<TagVersion>1 <time> 04.803 <message> ********** Robot program starting ********** ");
    assertThat(seconds(events.get(1))).isCloseTo(1.2966, within(5e-5));
    assertThat(events.get(1).text())
        .endsWith("NT: server: client CONNECTED: 10.5.48.168 port 54553 ");
    assertThat(seconds(events.get(2))).isCloseTo(1.5399, within(5e-5));
    assertThat(events.get(2).text()).endsWith("10.5.48.11 port 42632 ");

    EventText first = events.get(0).parsed();
    assertThat(first.plain()).isEmpty();
    assertThat(first.messages()).hasSize(1);
    EventText.Message m = first.messages().get(0);
    assertThat(m.kind()).isEqualTo(EventText.Kind.MESSAGE);
    assertThat(m.robotTime()).isEqualTo("04.803");
    assertThat(m.robotTimeMillis()).isEqualTo(4803L);
    assertThat(m.text()).isEqualTo("********** Robot program starting **********");
    assertThat(events)
        .allMatch(e -> e.time().equals(Samples.start(Samples.CTRE).plusNanos(e.relativeNanos())));
  }

  @Test
  void revSampleEvents() throws IOException {
    List<DsEvent> events = readAll(Samples.REV);
    assertThat(events).hasSize(140);
    assertThat(events).extracting(e -> e.text().length()).contains(21721);
    assertThat(seconds(events.get(0))).isCloseTo(0.444, within(5e-5));
    assertThat(events.get(0).text())
        .startsWith(
            "Info Joystick 0: (Controller (Xbox One For Windows))6 axes, 16 buttons, 1 POVs.");
    assertThat(events.get(0).parsed().plain()).startsWith("Info Joystick 0:");
    assertThat(seconds(events.get(1))).isCloseTo(0.4597, within(5e-5));
    // the doc's "two tagged messages" are the first two of seven in this entry
    String text = events.get(1).text();
    EventText seven = events.get(1).parsed();
    assertThat(seven.messages()).hasSize(text.split("<TagVersion>", -1).length - 1).hasSize(7);
    assertThat(seven.messages().get(0).robotTime()).isEqualTo("05.250");
    assertThat(seven.messages().get(0).text()).isEmpty();
    assertThat(seven.messages().get(1).text()).isEqualTo("disabledPeriodic(): 0.002563s");
    EventText.Message tracer = seven.messages().get(6);
    assertThat(tracer.kind()).isEqualTo(EventText.Kind.REPORT);
    assertThat(tracer.code()).isEqualTo(1);
    assertThat(tracer.location())
        .isEqualTo("edu.wpi.first.wpilibj.Tracer.lambda$printEpochs$0(Tracer.java:63)");
    assertThat(seconds(events.get(2))).isCloseTo(0.6387, within(5e-5));
    assertThat(events.get(2).text()).contains("CommandScheduler loop overrun");

    DsEvent last = events.get(139);
    assertThat(seconds(last)).isCloseTo(90.7676, within(5e-5));
    EventText.Message report = last.parsed().messages().get(0);
    assertThat(report.kind()).isEqualTo(EventText.Kind.REPORT);
    assertThat(report.robotTimeMillis()).isEqualTo(95_805L);
    assertThat(report.count()).isEqualTo(1);
    assertThat(report.flags()).isZero();
    assertThat(report.code()).isZero();
    assertThat(report.text())
        .isEqualTo("[phoenix-diagnostics] Server shutdown cleanly. (dur:10|0)");
    assertThat(report.location()).isEmpty();
    assertThat(report.stack()).isEmpty();
  }

  @Test
  void driverStationCodesAreParsed() throws IOException {
    List<Integer> codes = new ArrayList<>();
    for (String name : Samples.DSEVENTS) {
      for (DsEvent e : readAll(name)) {
        for (EventText.Message m : e.parsed().messages()) {
          if (m.code() != null) {
            codes.add(m.code());
          }
        }
      }
    }
    // counted with grep over the raw files: 90 × -200, 4 × -3, 13 × 0, 415 × 1, 40 × 44000, 1 ×
    // 44003
    assertThat(codes).hasSize(90 + 4 + 13 + 415 + 40 + 1);
    assertThat(codes.stream().filter(c -> c == 44000).count()).isEqualTo(40);
    assertThat(codes.stream().filter(c -> c == -200).count()).isEqualTo(90);
  }
}
