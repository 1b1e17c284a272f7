package dev.caravan.dslog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.caravan.testing.Samples;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every kind of bad input, built from the real samples by cutting and patching bytes. */
class BadInputTest {

  private static final byte[] CTRE = Samples.bytes(Samples.dslog(Samples.CTRE));
  private static final byte[] EVENTS = Samples.bytes(Samples.dsevents(Samples.CTRE));
  private static final int CTRE_RECORD = 39;

  /** Reads everything through the streaming path with a tiny window, to exercise refills. */
  private static List<DslogRecord> readAll(DslogReader r) throws IOException {
    List<DslogRecord> all = new ArrayList<>();
    for (DslogRecord rec = r.next(); rec != null; rec = r.next()) {
      all.add(rec);
    }
    return all;
  }

  private static DslogReader stream(byte[] content) throws IOException {
    return new DslogReader(new ByteArrayInputStream(content), "bad.dslog");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 4, 19})
  void shorterThanTheHeader(int length) {
    for (boolean events : new boolean[] {false, true}) {
      byte[] cut = Arrays.copyOf(events ? EVENTS : CTRE, length);
      assertThatThrownBy(
              () -> {
                if (events) {
                  new DsEventsReader(cut, "short.dsevents").close();
                } else {
                  new DslogReader(cut, "short.dslog").close();
                }
              })
          .isInstanceOfSatisfying(
              DslogFormatException.class,
              e -> {
                assertThat(e.problem()).isEqualTo(DslogFormatException.Problem.TOO_SHORT);
                assertThat(e.offset()).isZero();
              })
          .hasMessageContaining(events ? "short.dsevents" : "short.dslog")
          .hasMessageContaining(length + " bytes long, shorter than the 20-byte");
    }
  }

  @Test
  void headerOnlyHasNoRecords() throws IOException {
    try (DslogReader r = new DslogReader(Arrays.copyOf(CTRE, 20), "h.dslog")) {
      assertThat(r.next()).isNull();
      assertThat(r.truncated()).isFalse();
      assertThat(r.count()).isZero();
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 5, 0x7FFFFFFF, -1})
  void unknownVersionIsNamed(int version) {
    byte[] patched = CTRE.clone();
    ByteBuffer.wrap(patched).putInt(0, version);
    assertThatThrownBy(() -> stream(patched))
        .isInstanceOfSatisfying(
            DslogFormatException.class,
            e -> assertThat(e.problem()).isEqualTo(DslogFormatException.Problem.UNKNOWN_VERSION))
        .hasMessageContaining("bad.dslog at byte 0: unknown .dslog version " + version + " ");
    byte[] events = EVENTS.clone();
    ByteBuffer.wrap(events).putInt(0, version);
    assertThatThrownBy(() -> new DsEventsReader(events, "e.dsevents"))
        .hasMessageContaining("unknown .dsevents version " + version);
  }

  @Test
  void impossibleHeaderTime() {
    byte[] patched = CTRE.clone();
    ByteBuffer.wrap(patched).putLong(4, -5L);
    assertThatThrownBy(() -> stream(patched))
        .isInstanceOfSatisfying(
            DslogFormatException.class,
            e -> {
              assertThat(e.problem()).isEqualTo(DslogFormatException.Problem.BAD_TIMESTAMP);
              assertThat(e.offset()).isEqualTo(4);
            });
  }

  @Test
  void truncatedLastRecordKeepsEverythingBefore() throws IOException {
    List<DslogRecord> good = readAll(new DslogReader(CTRE, "ok.dslog"));
    // every cut inside the last record: in its common part, its length word and its PD block
    for (int keep = 1; keep < CTRE_RECORD; keep++) {
      byte[] cut = Arrays.copyOf(CTRE, CTRE.length - CTRE_RECORD + keep);
      for (DslogReader r : List.of(stream(cut), new DslogReader(cut, "cut.dslog"))) {
        try (r) {
          List<DslogRecord> all = readAll(r);
          assertThat(all).as("cut %d", keep).hasSize(12737);
          assertThat(r.truncated()).isTrue();
          assertThat(r.leftoverBytes()).isEqualTo(keep);
          assertThat(RecordFields.of(all.get(12736))).isEqualTo(RecordFields.of(good.get(12736)));
        }
      }
    }
  }

  @Test
  void unknownPdLengthThatFitsIsSkippedAndFlagged() throws IOException {
    // record 1 gets a 26-byte PD block (one extra byte), so the records after it stay aligned
    int rec1 = 20 + CTRE_RECORD;
    byte[] patched = new byte[CTRE.length + 1];
    System.arraycopy(CTRE, 0, patched, 0, rec1 + CTRE_RECORD);
    System.arraycopy(
        CTRE,
        rec1 + CTRE_RECORD,
        patched,
        rec1 + CTRE_RECORD + 1,
        CTRE.length - rec1 - CTRE_RECORD);
    ByteBuffer.wrap(patched).putInt(rec1 + 10, 26);
    try (DslogReader r = stream(patched);
        DslogReader original = new DslogReader(CTRE, "ok.dslog")) {
      List<DslogRecord> all = readAll(r);
      List<DslogRecord> good = readAll(original);
      assertThat(all).hasSize(12738);
      assertThat(r.flaggedCount()).isEqualTo(1);
      assertThat(r.truncated()).isFalse();
      DslogRecord flagged = all.get(1);
      assertThat(flagged.pdType()).isEqualTo(PdType.UNKNOWN);
      assertThat(flagged.flagged()).isTrue();
      assertThat(flagged.pdLength()).isEqualTo(26);
      // and convert says so (the count read after the pass, not before it)
      java.nio.file.Path file = java.nio.file.Files.createTempFile("flagged", ".dslog");
      try {
        java.nio.file.Files.write(file, patched);
        assertThat(
                new dev.caravan.convert.LogConverter(x -> true, e -> true, false)
                    .convert(file, LogKind.DSLOG, java.io.OutputStream.nullOutputStream(), null)
                    .flagged())
            .isEqualTo(1);
      } finally {
        java.nio.file.Files.delete(file);
      }
      assertThat(flagged.channelCount()).isZero();
      assertThat(flagged.batteryVolts()).isEqualTo(good.get(1).batteryVolts());
      for (int i : new int[] {0, 2, 3, 12737}) {
        assertThat(RecordFields.of(all.get(i))).isEqualTo(RecordFields.of(good.get(i)));
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0x7FFFFFFF, -1, 0x01000000, 500_000})
  void unknownPdLengthPastTheEndIsCorrupt(int length) throws IOException {
    int rec = 20 + 100 * CTRE_RECORD;
    byte[] patched = CTRE.clone();
    ByteBuffer.wrap(patched).putInt(rec + 10, length);
    try (DslogReader r = stream(patched)) {
      for (int i = 0; i < 100; i++) {
        assertThat(r.next()).isNotNull();
      }
      assertThatThrownBy(r::next)
          .isInstanceOfSatisfying(
              DslogFormatException.class,
              e -> {
                assertThat(e.problem()).isEqualTo(DslogFormatException.Problem.CORRUPT);
                assertThat(e.offset()).isEqualTo(rec + 10);
              })
          .hasMessageContaining("bad.dslog at byte " + (rec + 10))
          .hasMessageContaining("record 100 has a PD length word of " + (length & 0xFFFFFFFFL))
          .hasMessageContaining("the 100 records before it are good");
      assertThat(r.next()).as("stays ended").isNull();
      assertThat(r.count()).isEqualTo(100);
    }
  }

  private static List<DsEvent> readEvents(DsEventsReader r) throws IOException {
    List<DsEvent> all = new ArrayList<>();
    for (DsEvent e = r.next(); e != null; e = r.next()) {
      all.add(e);
    }
    return all;
  }

  @Test
  void truncatedEventKeepsEverythingBefore() throws IOException {
    // the last entry is 20 + 80 bytes; cut inside its head and inside its text
    for (int keep : new int[] {1, 10, 19, 20, 21, 60, 99}) {
      byte[] cut = Arrays.copyOf(EVENTS, EVENTS.length - 100 + keep);
      try (DsEventsReader r = new DsEventsReader(new ByteArrayInputStream(cut), "cut.dsevents")) {
        List<DsEvent> all = readEvents(r);
        assertThat(all).as("cut %d", keep).hasSize(551);
        assertThat(r.truncated()).isTrue();
        assertThat(r.leftoverBytes()).isEqualTo(keep);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {-1, -20, 0x7FFFFFFF, DsEventsReader.MAX_TEXT_BYTES + 1})
  void absurdEventLengthIsCorrupt(int length) throws IOException {
    byte[] patched = EVENTS.clone();
    int second = 20 + 20 + 83; // header + the first entry (83 bytes of text)
    ByteBuffer.wrap(patched).putInt(second + 16, length);
    try (DsEventsReader r = new DsEventsReader(patched, "x.dsevents")) {
      assertThat(r.next().text()).startsWith("<TagVersion>1 <time> 04.803");
      assertThatThrownBy(r::next)
          .isInstanceOfSatisfying(
              DslogFormatException.class,
              e -> {
                assertThat(e.problem()).isEqualTo(DslogFormatException.Problem.CORRUPT);
                assertThat(e.offset()).isEqualTo(second + 16);
              })
          .hasMessageContaining("event 1 has a text length of " + (length & 0xFFFFFFFFL));
    }
  }

  @Test
  void eventLengthPastTheEndIsTruncation() throws IOException {
    byte[] patched = EVENTS.clone();
    int second = 20 + 20 + 83;
    ByteBuffer.wrap(patched).putInt(second + 16, 1_000_000);
    try (DsEventsReader r = new DsEventsReader(new ByteArrayInputStream(patched), "x.dsevents")) {
      assertThat(readEvents(r)).hasSize(1);
      assertThat(r.truncated()).isTrue();
      assertThat(r.leftoverBytes()).isEqualTo(EVENTS.length - second);
    }
  }
}
