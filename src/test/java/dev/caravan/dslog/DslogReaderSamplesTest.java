package dev.caravan.dslog;

import static dev.caravan.testing.Samples.CTRE;
import static dev.caravan.testing.Samples.MIXED;
import static dev.caravan.testing.Samples.NONE;
import static dev.caravan.testing.Samples.REV;
import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.testing.Samples;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The expected values of the format doc ("Expected values from the samples"), field by field. */
class DslogReaderSamplesTest {

  static List<DslogRecord> readAll(String name) throws IOException {
    try (DslogReader r = DslogReader.open(Samples.dslog(name))) {
      List<DslogRecord> all = new ArrayList<>();
      for (DslogRecord rec = r.next(); rec != null; rec = r.next()) {
        all.add(rec);
      }
      assertThat(r.truncated()).as("truncated").isFalse();
      assertThat(r.leftoverBytes()).isZero();
      assertThat(r.flaggedCount()).isZero();
      return all;
    }
  }

  static double[] amps(DslogRecord r) {
    return IntStream.range(0, r.channelCount()).mapToDouble(r::currentA).toArray();
  }

  @ParameterizedTest
  @ValueSource(strings = {CTRE, REV, NONE, MIXED})
  void headersAndCounts(String name) throws IOException {
    int expected =
        switch (name) {
          case CTRE -> 12738;
          case REV -> 4998;
          case NONE -> 220;
          default -> 13430;
        };
    assertThat(readAll(name)).hasSize(expected);
  }

  @Test
  void headerTimesAreExact() throws IOException {
    try (DslogReader r = DslogReader.open(Samples.dslog(CTRE))) {
      DslogHeader h = r.header();
      assertThat(h.version()).isEqualTo(4);
      assertThat(h.lvSeconds()).isEqualTo(3728687139L);
      assertThat(h.lvFraction()).isEqualTo(0xdae1600000000000L);
      // 0xdae16 / 2^20 s = 0.855001449584960937.. s, truncated to the nanosecond
      assertThat(h.start()).isEqualTo(Instant.parse("2022-02-26T02:25:39.855001449Z"));
    }
    assertThat(start(REV)).isEqualTo(Instant.parse("2022-02-27T21:17:59.100167274Z"));
    // 0xa3efc8 / 2^24 and 0xc88960 / 2^24 (the doc rounds them to microseconds)
    assertThat(start(NONE)).isEqualTo(Instant.parse("2022-03-01T03:49:43.640377521Z"));
    assertThat(start(MIXED)).isEqualTo(Instant.parse("2022-03-19T16:55:56.783346176Z"));
  }

  private static Instant start(String name) throws IOException {
    try (DslogReader r = DslogReader.open(Samples.dslog(name))) {
      return r.header().start();
    }
  }

  @Test
  void ctreFirstRecords() throws IOException {
    List<DslogRecord> all = readAll(CTRE);
    for (DslogRecord r : all.subList(0, 3)) {
      assertThat(r.statusRaw()).isEqualTo(0xF7);
      assertThat(r.dsDisabled()).isTrue();
      assertThat(r.robotDisabled() || r.robotAuto() || r.robotTeleop()).isFalse();
      assertThat(r.tripMs()).isEqualTo(17.5);
      assertThat(r.packetLossPct()).isZero();
      assertThat(r.batteryVolts()).isEqualTo(12.0859375);
      assertThat(r.rioCpuPct()).isEqualTo(62.5);
      assertThat(r.canUtilPct()).isEqualTo(63.0);
      assertThat(r.pdType()).isEqualTo(PdType.CTRE);
      assertThat(r.pdCanId()).isZero();
      assertThat(amps(r))
          .containsExactly(
              1.5, 2, 2.125, 2.125, 2.75, 2.5, 3.5, 2.5, 2.5, 2.25, 2.5, 2.375, 2.5, 2.75, 2.125,
              2);
      assertThat(r.pdpResistanceRaw()).isEqualTo(255);
      assertThat(r.pdpBusVolts()).isEqualTo(12.2);
      assertThat(r.pdpTemperatureC()).isCloseTo(23.0, org.assertj.core.data.Offset.offset(0.005));
    }
    assertThat(all.get(2).relativeNanos()).isEqualTo(40_000_000L);
  }

  @Test
  void ctreRecord4698InTeleop() throws IOException {
    DslogRecord r = readAll(CTRE).get(4698);
    assertThat(r.relativeNanos()).isEqualTo(93_960_000_000L);
    assertThat(r.time()).isEqualTo(Instant.parse("2022-02-26T02:27:13.815001449Z"));
    assertThat(r.statusRaw()).isEqualTo(0xDB);
    assertThat(r.robotTeleop()).isTrue();
    assertThat(r.dsTeleop()).isTrue();
    assertThat(r.tripMs()).isEqualTo(5.5);
    assertThat(r.packetLossRaw()).isEqualTo(3);
    assertThat(r.packetLossPct()).isEqualTo(12);
    assertThat(r.batteryVolts()).isEqualTo(11.69140625);
    assertThat(r.rioCpuPct()).isEqualTo(73.5);
    assertThat(r.canUtilPct()).isEqualTo(58.5);
    assertThat(amps(r))
        .containsExactly(
            1.5, 2, 2.125, 2.125, 2.75, 4.25, 3.5, 2.5, 2.5, 2.25, 3.875, 2.375, 2.5, 4.25, 2.125,
            2);
    assertThat(r.pdpBusVolts()).isEqualTo(11.85);
    assertThat(r.pdpTemperatureC()).isCloseTo(24.04, org.assertj.core.data.Offset.offset(0.005));
  }

  @Test
  void revFirstRecords() throws IOException {
    List<DslogRecord> all = readAll(REV);
    for (DslogRecord r : all.subList(0, 2)) {
      assertThat(r.statusRaw()).isEqualTo(0xF7);
      assertThat(r.tripMs()).isEqualTo(12.0);
      assertThat(r.packetLossRaw()).isEqualTo(10);
      assertThat(r.packetLossPct()).isEqualTo(40);
      assertThat(r.batteryVolts()).isEqualTo(13.125);
      assertThat(r.rioCpuPct()).isEqualTo(69.5);
      assertThat(r.canUtilPct()).isEqualTo(61.0);
      assertThat(r.pdType()).isEqualTo(PdType.REV);
      assertThat(r.pdCanId()).isEqualTo(1);
      double[] a = amps(r);
      assertThat(a).hasSize(24);
      for (int ch = 0; ch < 20; ch++) {
        assertThat(a[ch]).as("ch%d", ch).isZero();
      }
      assertThat(java.util.Arrays.copyOfRange(a, 20, 24)).containsExactly(0.3125, 0.25, 0.0625, 1);
      assertThat(r.pdhFaultFlags() >>> 16).as("last byte").isZero();
    }
    DslogRecord r2 = all.get(2);
    assertThat(r2.statusRaw()).isEqualTo(0xF6);
    assertThat(r2.robotDisabled()).isTrue();
    assertThat(r2.tripMs()).isEqualTo(12.5);
    assertThat(r2.packetLossRaw()).isEqualTo(23);
    assertThat(r2.packetLossPct()).isEqualTo(92);
    assertThat(r2.canUtilPct()).isEqualTo(57.0);
  }

  @Test
  void noPdSampleHasMissingVoltage() throws IOException {
    List<DslogRecord> all = readAll(NONE);
    assertThat(all).allMatch(r -> r.pdType() == PdType.NONE && !r.hasBatteryVoltage());
    for (DslogRecord r : all.subList(0, 3)) {
      assertThat(r.statusRaw()).isEqualTo(0xF7);
      assertThat(r.tripMs()).isZero();
      assertThat(r.packetLossPct()).isZero();
      assertThat(r.hasBatteryVoltage()).isFalse();
      assertThat(r.voltageRaw()).isEqualTo(0xFFFF);
      assertThat(r.batteryVolts()).isNaN();
      assertThat(r.rioCpuPct()).isZero();
      assertThat(r.canUtilPct()).isZero();
      assertThat(r.pdType()).isEqualTo(PdType.NONE);
      assertThat(r.channelCount()).isZero();
    }
  }

  @Test
  void mixedSampleChangesPdTypeInsideTheFile() throws IOException {
    List<DslogRecord> all = readAll(MIXED);
    DslogRecord first = all.get(0);
    assertThat(first.statusRaw()).isEqualTo(0xF7);
    assertThat(first.tripMs()).isEqualTo(127.5);
    assertThat(first.packetLossRaw()).isEqualTo(33);
    assertThat(first.packetLossPct()).as("clamped from 132").isEqualTo(100);
    assertThat(first.hasBatteryVoltage()).isFalse();
    assertThat(first.pdType()).isEqualTo(PdType.NONE);
    assertThat(all.subList(0, 808)).allMatch(r -> r.pdType() == PdType.NONE);
    assertThat(all.subList(808, all.size())).allMatch(r -> r.pdType() == PdType.REV);

    DslogRecord r = all.get(5676);
    assertThat(r.relativeNanos()).isEqualTo(113_520_000_000L);
    assertThat(r.statusRaw()).isEqualTo(0xED);
    assertThat(r.dsAuto()).isTrue();
    assertThat(r.robotAuto()).isTrue();
    assertThat(r.tripMs()).isEqualTo(7.5);
    assertThat(r.packetLossPct()).isEqualTo(12);
    assertThat(r.batteryVolts()).isEqualTo(11.01171875);
    assertThat(r.rioCpuPct()).isEqualTo(62.0);
    assertThat(r.canUtilPct()).isEqualTo(57.5);
    assertThat(amps(r))
        .containsExactly(
            0, 1.25, 3.625, 0.5, 1.5, 5, 0, 8.25, 10.5, 0.5, 0.125, 0, 0, 3.625, 0.25, 8.625, 0.625,
            0, 33.625, 44, 0.125, 0.5, 0.5, 0);
    assertThat(r.totalCurrentSixteenths() / 16.0).isEqualTo(123.125);
  }

  @Test
  void wholeBufferAndStreamingAgree() throws IOException {
    for (String name : Samples.DSLOGS) {
      byte[] content = Samples.bytes(Samples.dslog(name));
      try (DslogReader a = new DslogReader(content, name);
          DslogReader b = new DslogReader(new java.io.ByteArrayInputStream(content), name)) {
        int n = 0;
        for (DslogRecord x = a.next(), y = b.next();
            x != null || y != null;
            x = a.next(), y = b.next(), n++) {
          assertThat(y).as("record %d", n).isNotNull();
          assertThat(x).as("record %d", n).isNotNull();
          assertThat(RecordFields.of(y)).isEqualTo(RecordFields.of(x));
        }
      }
    }
  }
}
