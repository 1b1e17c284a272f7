package dev.caravan.dslog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.caravan.testing.WpilogWriter;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The WPILib data log reader, against the format's own examples and logs written by the spec. */
class WpilogReaderTest {

  private static List<WpilogRecord> readAll(WpilogReader r) throws IOException {
    List<WpilogRecord> all = new ArrayList<>();
    for (WpilogRecord x = r.next(); x != null; x = r.next()) {
      all.add(x);
    }
    return all;
  }

  private static WpilogReader stream(byte[] b) throws IOException {
    return new WpilogReader(new ByteArrayInputStream(b), "test.wpilog");
  }

  /** The header, Start and int64 record examples of the format document, byte for byte. */
  @Test
  void theSpecsOwnExamples() throws IOException {
    byte[] log =
        HexFormat.of()
            .parseHex(
                // header, version 1.0, no extra string (12 bytes)
                "5750494c4f47"
                    + "0001"
                    + "00000000"
                    // Start: entry 1 named "test", type "int64", no metadata, at 1 s (32 bytes)
                    + "20"
                    + "00"
                    + "1a"
                    + "40420f"
                    + "00"
                    + "01000000"
                    + "04000000"
                    + "74657374"
                    + "05000000"
                    + "696e743634"
                    + "00000000"
                    // entry 1 = 3 at 1 s (14 bytes)
                    + "20"
                    + "01"
                    + "08"
                    + "40420f"
                    + "0300000000000000");
    assertThat(log).hasSize(12 + 32 + 14);
    try (WpilogReader r = stream(log)) {
      List<WpilogRecord> all = readAll(r);
      assertThat(r.version()).isEqualTo(0x0100);
      assertThat(r.extraHeader()).isEmpty();
      assertThat(all).hasSize(1);
      assertThat(all.get(0).timestampUs()).isEqualTo(1_000_000L);
      assertThat(all.get(0).entry().name()).isEqualTo("test");
      assertThat(all.get(0).entry().type()).isEqualTo("int64");
      assertThat(all.get(0).value()).isEqualTo("3");
      assertThat(r.truncated()).isFalse();
    }
  }

  @Test
  void everyStandardTypeRoundTrips() throws IOException {
    byte[] log =
        new WpilogWriter("{\"writer\":\"test\"}")
            .start(1, "/b", "boolean", "", 1)
            .start(2, "/i", "int64", "", 1)
            .start(3, "/f", "float", "", 1)
            .start(4, "/d", "double", "", 1)
            .start(5, "/s", "string", "{\"source\":\"NT\"}", 1)
            .start(6, "/ba", "boolean[]", "", 1)
            .start(7, "/ia", "int64[]", "", 1)
            .start(8, "/fa", "float[]", "", 1)
            .start(9, "/da", "double[]", "", 1)
            .start(10, "/sa", "string[]", "", 1)
            .start(300, "/raw", "raw", "", 1) // a two-byte id
            .start(12, "/pose", "struct:Pose2d", "", 1)
            .bool(1, 20_000, true)
            .int64(2, 40_000, Long.MIN_VALUE)
            .float32(3, 60_000, 12.5f)
            .float64(4, 80_000, 0.1)
            .string(5, 100_000, "a,b \"c\"\nd é")
            .booleans(6, 120_000, true, false, true)
            .longs(7, 140_000, -1, 0, 1L << 40)
            .floats(8, 160_000, 1.5f, Float.NaN)
            .doubles(9, 180_000, -2.25, 1e300)
            .strings(10, 200_000, "x", "q\"uote", "")
            .record(300, 4_294_967_296L, new byte[] {0x01, (byte) 0xfe}) // a 5-byte time
            .record(12, 220_000, new byte[] {0, 0, 0, 0, 0, 0, (byte) 0xf0, 0x3f})
            .string(5, 240_000, "x".repeat(300)) // a two-byte payload size
            .bytes();
    try (WpilogReader r = stream(log)) {
      List<WpilogRecord> all = readAll(r);
      assertThat(r.extraHeader()).isEqualTo("{\"writer\":\"test\"}");
      assertThat(all)
          .extracting(x -> x.entry().name() + "=" + x.value())
          .containsExactly(
              "/b=true",
              "/i=-9223372036854775808",
              "/f=12.5",
              "/d=0.1",
              "/s=a,b \"c\"\nd é",
              "/ba=[true,false,true]",
              "/ia=[-1,0,1099511627776]",
              "/fa=[1.5,\"NaN\"]",
              "/da=[-2.25,1.0E300]",
              "/sa=[\"x\",\"q\\\"uote\",\"\"]",
              "/raw=01fe",
              "/pose=000000000000f03f",
              "/s=" + "x".repeat(300));
      assertThat(all)
          .extracting(WpilogRecord::timestampUs)
          .containsExactly(
              20_000L,
              40_000L,
              60_000L,
              80_000L,
              100_000L,
              120_000L,
              140_000L,
              160_000L,
              180_000L,
              200_000L,
              4_294_967_296L,
              220_000L,
              240_000L);
      assertThat(all.get(4).entry().metadata()).isEqualTo("{\"source\":\"NT\"}");
      assertThat(r.count()).isEqualTo(13);
    }
  }

  /** Structs by the schemas the log publishes, with the layouts of WPILib's struct document. */
  @Test
  void structsAreDecodedByTheirPublishedSchemas() throws IOException {
    java.nio.ByteBuffer pose =
        java.nio.ByteBuffer.allocate(48).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    pose.putDouble(1.5).putDouble(-2.0).putDouble(0.25);
    pose.putDouble(3).putDouble(4).putDouble(-0.5);
    byte[] two = pose.array();
    byte[] one = java.util.Arrays.copyOf(two, 24);
    // the document's bit-field example: bbbbaaaa 000000cb 0ddddddd 00000000, a=5 b=19 c=1 d=0x55
    byte[] bits = {0x35, 0x03, 0x55, 0x00};
    // and 0cbbaaaa 0000000d 00000000 with a=9 b=1 c=1 d=1
    byte[] bits2 = {0x59, 0x01, 0x00};
    byte[] named = {'a', 'b', 'c', 0, 0, 0, 0, 0, 2, 7, 0, 0, 0, -1, -1, -1, -1};
    byte[] log =
        new WpilogWriter("")
            .start(1, "/.schema/struct:Translation2d", "structschema", "", 0)
            .start(2, "/.schema/struct:Rotation2d", "structschema", "", 0)
            .start(3, "/.schema/struct:Pose2d", "structschema", "", 0)
            .start(4, "/.schema/struct:Bits", "structschema", "", 0)
            .start(5, "/.schema/struct:Bits2", "structschema", "", 0)
            .start(6, "/.schema/struct:Named", "structschema", "", 0)
            .string(1, 0, "double x;double y")
            .string(2, 0, "double value")
            .string(3, 0, "Translation2d translation;Rotation2d rotation")
            .string(4, 0, "int16 a:4;uint16 b:5;bool c:1;int16 d:7")
            .string(5, 0, " uint8 a : 4; int8 b:2; bool c:1; int16 d:1; ")
            .string(6, 0, "char name[8];enum {red=1, blue=2} uint8 alliance;int32 n[2]")
            .start(10, "/pose", "struct:Pose2d", "", 0)
            .start(11, "/poses", "struct:Pose2d[]", "", 0)
            .start(12, "/bits", "struct:Bits", "", 0)
            .start(13, "/bits2", "struct:Bits2", "", 0)
            .start(14, "/named", "struct:Named", "", 0)
            .start(15, "/unknown", "struct:Nobody", "", 0)
            .record(10, 20, one)
            .record(11, 20, two)
            .record(12, 20, bits)
            .record(13, 20, bits2)
            .record(14, 20, named)
            .record(15, 20, new byte[] {1, 2})
            .record(10, 40, new byte[] {1, 2, 3}) // not a Pose2d's 24 bytes
            .bytes();
    try (WpilogReader r = stream(log)) {
      List<WpilogRecord> all = readAll(r);
      assertThat(all.subList(0, 6))
          .extracting(WpilogRecord::value)
          .contains("Translation2d translation;Rotation2d rotation");
      assertThat(all.subList(6, all.size()))
          .extracting(WpilogRecord::value)
          .containsExactly(
              "{\"translation\":{\"x\":1.5,\"y\":-2.0},\"rotation\":{\"value\":0.25}}",
              "[{\"translation\":{\"x\":1.5,\"y\":-2.0},\"rotation\":{\"value\":0.25}},"
                  + "{\"translation\":{\"x\":3.0,\"y\":4.0},\"rotation\":{\"value\":-0.5}}]",
              "{\"a\":5,\"b\":19,\"c\":true,\"d\":-43}",
              "{\"a\":9,\"b\":1,\"c\":true,\"d\":-1}",
              "{\"name\":\"abc\",\"alliance\":2,\"n\":[7,-1]}",
              "0102",
              "010203");
    }
  }

  @Test
  void finishFreesAnIdMetadataIsReplacedAndOrphansAreCounted() throws IOException {
    byte[] log =
        new WpilogWriter("")
            .start(1, "/a", "int64", "old", 0)
            .int64(1, 10, 7)
            .metadata(1, "new", 15)
            .int64(1, 20, 8)
            .finish(1, 30)
            .int64(1, 35, 99) // after Finish: no entry
            .start(1, "/b", "string", "", 40)
            .string(1, 50, "again")
            .int64(9, 60, 1) // never started
            .bytes();
    try (WpilogReader r = stream(log)) {
      List<WpilogRecord> all = readAll(r);
      assertThat(all)
          .extracting(x -> x.entry().name() + "=" + x.value())
          .containsExactly("/a=7", "/a=8", "/b=again");
      assertThat(all.get(0).entry().metadata()).isEqualTo("old");
      assertThat(all.get(1).entry().metadata()).isEqualTo("new");
      assertThat(r.orphans()).isEqualTo(2);
      assertThat(r.describe()).isEqualTo("3 records, 2 of entries never started (skipped)");
    }
  }

  @Test
  void aFileCutAnywhereInItsLastRecordReturnsTheRecordsBefore() throws IOException {
    WpilogWriter w = new WpilogWriter("").start(1, "/d", "double", "", 0);
    for (int i = 0; i < 10; i++) {
      w.float64(1, 20_000L * i, i / 4.0);
    }
    byte[] whole = w.bytes();
    int last = 1 + 1 + 1 + 3 + 8; // bitfield, id, size, a 3-byte time, the double
    for (int cut = 1; cut < last; cut++) {
      byte[] b = java.util.Arrays.copyOf(whole, whole.length - cut);
      try (WpilogReader r = stream(b)) {
        List<WpilogRecord> all = readAll(r);
        assertThat(all).as("cut %d", cut).hasSize(9);
        assertThat(all.get(8).value()).isEqualTo("2.0");
        assertThat(r.truncated()).isTrue();
        assertThat(r.leftoverBytes()).isEqualTo(last - cut);
      }
    }
  }

  @Test
  void corruptInputFailsNamingTheOffset() throws IOException {
    assertThatThrownBy(() -> stream("WPILOX\0\1\0\0\0\0".getBytes()))
        .isInstanceOfSatisfying(
            DslogFormatException.class,
            e -> assertThat(e.problem()).isEqualTo(DslogFormatException.Problem.NOT_THIS_FORMAT));
    byte[] v2 = new WpilogWriter("").bytes();
    v2[7] = 2;
    assertThatThrownBy(() -> stream(v2))
        .isInstanceOfSatisfying(
            DslogFormatException.class,
            e -> assertThat(e.problem()).isEqualTo(DslogFormatException.Problem.UNKNOWN_VERSION));
    assertThatThrownBy(() -> stream(new byte[] {'W', 'P'}))
        .isInstanceOfSatisfying(
            DslogFormatException.class,
            e -> assertThat(e.problem()).isEqualTo(DslogFormatException.Problem.TOO_SHORT));

    // a payload length of 4 GiB - 1: refused before anything is buffered
    byte[] good = new WpilogWriter("").start(1, "/i", "int64", "", 0).int64(1, 5, 1).bytes();
    byte[] huge = java.util.Arrays.copyOf(good, good.length + 7);
    int at = good.length;
    huge[at] = (byte) (0b11 << 2); // 1-byte id, 4-byte size, 1-byte time
    huge[at + 1] = 1;
    huge[at + 2] = huge[at + 3] = huge[at + 4] = huge[at + 5] = (byte) 0xff;
    try (WpilogReader r = stream(huge)) {
      assertThat(r.next().value()).isEqualTo("1");
      assertThatThrownBy(r::next)
          .isInstanceOfSatisfying(
              DslogFormatException.class,
              e -> {
                assertThat(e.problem()).isEqualTo(DslogFormatException.Problem.CORRUPT);
                assertThat(e.offset()).isEqualTo(at);
                assertThat(e.getMessage()).contains("4294967295 bytes");
              });
      assertThat(r.next()).isNull();
    }

    // a Start record whose name length runs past its payload
    byte[] start = new WpilogWriter("").start(1, "/name", "int64", "", 0).bytes();
    start[12 + 1 + 1 + 1 + 1 + 1 + 4] = 100; // the name's length word
    try (WpilogReader r = stream(start)) {
      assertThatThrownBy(r::next)
          .isInstanceOfSatisfying(
              DslogFormatException.class,
              e -> {
                assertThat(e.offset()).isEqualTo(12);
                assertThat(e.getMessage()).contains("Start record for entry 1");
              });
    }
  }

  /**
   * Thousands of mutated logs: each reads to its end or fails with a format error, nothing else.
   */
  @Test
  void mutatedLogsNeverFailAnyOtherWay() throws IOException {
    WpilogWriter w = new WpilogWriter("x").start(1, "/d", "double[]", "", 0);
    w.start(2, "/s", "string[]", "", 0).start(3, "/b", "boolean", "", 0);
    // a schema and a struct too: mutations reach the schema text (sizes, nesting, bit-fields)
    w.start(4, "/.schema/struct:P", "structschema", "", 0)
        .string(4, 0, "int16 a:4;uint16 b:5;bool c:1;double x[2];char s[3]")
        .start(5, "/p", "struct:P", "", 0)
        .record(5, 1, new byte[4 + 16 + 3]);
    for (int i = 0; i < 50; i++) {
      w.doubles(1, 1000L * i, i, -i).strings(2, 1000L * i + 1, "a" + i, "b").bool(3, i, i % 2 == 0);
    }
    byte[] base = w.bytes();
    Random random = new Random(16);
    for (int n = 0; n < 3000; n++) {
      byte[] b = base.clone();
      for (int k = 0; k <= random.nextInt(4); k++) {
        b[12 + random.nextInt(b.length - 12)] = (byte) random.nextInt(256);
      }
      if (random.nextInt(4) == 0) {
        b = java.util.Arrays.copyOf(b, random.nextInt(b.length));
      }
      try (WpilogReader r = stream(b)) {
        for (WpilogRecord x = r.next(); x != null; x = r.next()) {
          assertThat(x.value()).isNotNull();
        }
      } catch (DslogFormatException expected) {
        assertThat(expected.getMessage()).startsWith("test.wpilog at byte ");
      }
    }
  }
}
