package dev.caravan.dslog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.csv.DslogCsvWriter;
import dev.caravan.csv.EventsCsvWriter;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads arbitrary bytes as a {@code .dslog} or {@code .dsevents} through every path (whole buffer,
 * stream, CSV) and checks what any input must give: records or our own exception, nothing else, and
 * the same answer from both paths.
 */
final class DecodeEverything {

  private DecodeEverything() {}

  static void dslog(byte[] input) {
    List<List<Object>> fromBuffer = new ArrayList<>();
    List<List<Object>> fromStream = new ArrayList<>();
    String a = readDslog(() -> new DslogReader(input, "fuzz.dslog"), fromBuffer, true);
    String b =
        readDslog(
            () -> new DslogReader(new ByteArrayInputStream(input), "fuzz.dslog"),
            fromStream,
            false);
    assertThat(b).isEqualTo(a);
    assertThat(fromStream).isEqualTo(fromBuffer);
    // a record is at least 14 bytes after the 20-byte header
    assertThat(fromBuffer.size()).isLessThanOrEqualTo(Math.max(0, (input.length - 20) / 14));
  }

  static void dsevents(byte[] input) {
    List<String> fromBuffer = new ArrayList<>();
    List<String> fromStream = new ArrayList<>();
    String a = readEvents(() -> new DsEventsReader(input, "fuzz.dsevents"), fromBuffer);
    String b =
        readEvents(
            () -> new DsEventsReader(new ByteArrayInputStream(input), "fuzz.dsevents"), fromStream);
    assertThat(b).isEqualTo(a);
    assertThat(fromStream).isEqualTo(fromBuffer);
  }

  static void wpilog(byte[] input) {
    List<String> fromBuffer = new ArrayList<>();
    List<String> fromStream = new ArrayList<>();
    String a = readWpilog(() -> new WpilogReader(input, "fuzz.wpilog"), fromBuffer);
    String b =
        readWpilog(
            () -> new WpilogReader(new ByteArrayInputStream(input), "fuzz.wpilog"), fromStream);
    assertThat(b).isEqualTo(a);
    assertThat(fromStream).isEqualTo(fromBuffer);
    // a data record is at least 3 header bytes after the 12-byte file header
    assertThat(fromBuffer.size()).isLessThanOrEqualTo(Math.max(0, (input.length - 12) / 3));
  }

  private static String readWpilog(Open<WpilogReader> open, List<String> out) {
    try (WpilogReader r = open.open()) {
      dev.caravan.csv.WpilogCsvWriter csv =
          new dev.caravan.csv.WpilogCsvWriter(java.io.Writer.nullWriter());
      try {
        for (WpilogRecord rec = r.next(); rec != null; rec = r.next()) {
          out.add(rec.timestampUs() + " " + rec.entry().name() + " " + rec.value());
          csv.write(rec);
        }
      } catch (DslogFormatException e) {
        return ended(e);
      }
      return r.truncated() ? "truncated " + r.leftoverBytes() : "ok " + r.orphans();
    } catch (DslogFormatException e) {
      return ended(e);
    } catch (IOException e) {
      throw new AssertionError("no I/O can fail on a byte array", e);
    }
  }

  private interface Open<T> {
    T open() throws IOException;
  }

  /** Returns how reading ended: "ok", "truncated N" or the exception's problem and offset. */
  private static String readDslog(Open<DslogReader> open, List<List<Object>> out, boolean csv) {
    try (DslogReader r = open.open()) {
      DslogCsvWriter writer = csv ? new DslogCsvWriter(OutputStream.nullOutputStream(), "f") : null;
      try {
        for (DslogRecord rec = r.next(); rec != null; rec = r.next()) {
          out.add(RecordFields.of(rec));
          if (writer != null) {
            writer.write(rec);
          }
          rec.time();
        }
      } catch (DslogFormatException e) {
        return ended(e);
      }
      return r.truncated() ? "truncated " + r.leftoverBytes() : "ok";
    } catch (DslogFormatException e) {
      return ended(e);
    } catch (IOException e) {
      throw new AssertionError("no I/O can fail on a byte array", e);
    }
  }

  private static String readEvents(Open<DsEventsReader> open, List<String> out) {
    try (DsEventsReader r = open.open()) {
      Writer sink = Writer.nullWriter();
      EventsCsvWriter split = new EventsCsvWriter(sink, "f", true);
      EventsCsvWriter whole = new EventsCsvWriter(sink, "f", false);
      try {
        for (DsEvent e = r.next(); e != null; e = r.next()) {
          out.add(e.time() + " " + e.relativeNanos() + " " + e.text());
          split.write(e);
          whole.write(e);
        }
      } catch (DslogFormatException e) {
        return ended(e);
      }
      return r.truncated() ? "truncated " + r.leftoverBytes() : "ok";
    } catch (DslogFormatException e) {
      return ended(e);
    } catch (IOException e) {
      throw new AssertionError("no I/O can fail on a byte array", e);
    }
  }

  private static String ended(DslogFormatException e) {
    assertThat(e.getMessage()).startsWith(e.source() + " at byte " + e.offset() + ": ");
    return e.problem() + "@" + e.offset();
  }
}
