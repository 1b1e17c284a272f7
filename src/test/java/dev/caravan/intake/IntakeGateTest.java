package dev.caravan.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.apache.camel.component.file.GenericFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gate's rules on listings made by hand, on a clock the test moves. */
class IntakeGateTest {

  @TempDir Path tmp;

  /** A clock the test moves. */
  static final class Hands extends Clock {
    long millis = 1_800_000_000_000L;

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis);
    }
  }

  final Hands clock = new Hands();

  IntakeGate gate(boolean fileTimesOnOurClock) {
    return new IntakeGate(
        "local",
        IntakeGate.Names.of(".*", ""),
        Duration.ofSeconds(5),
        Duration.ofMinutes(10),
        fileTimesOnOurClock,
        clock);
  }

  static GenericFile<Object> listed(String path, long size, long mtime, Object body) {
    GenericFile<Object> f = new GenericFile<>();
    f.setRelativeFilePath(path);
    f.setFileNameOnly(path.substring(path.lastIndexOf('/') + 1));
    f.setFileName(path);
    f.setFileLength(size);
    f.setLastModified(mtime);
    f.setFile(body);
    return f;
  }

  /** One poll over these files at the clock's time; the ones accepted. */
  static java.util.List<String> poll(IntakeGate gate, GenericFile<?>... files) {
    gate.pollBegins();
    java.util.List<String> taken = new java.util.ArrayList<>();
    for (GenericFile<?> f : files) {
      @SuppressWarnings("unchecked")
      GenericFile<Object> o = (GenericFile<Object>) f;
      if (gate.accept(o)) {
        taken.add(f.getRelativeFilePath());
      }
    }
    gate.pollListedAll();
    return taken;
  }

  @Test
  void aFileIsTakenOnceItHasHeldStillForMinAgeWatchedAcrossPolls() {
    IntakeGate gate = gate(false);
    long mtime = clock.millis() - 3_600_000; // old, but the server's clock is not trusted
    assertThat(poll(gate, listed("a", 10, mtime, null))).isEmpty();
    clock.millis += 4_999;
    assertThat(poll(gate, listed("a", 10, mtime, null))).isEmpty();
    clock.millis += 1;
    assertThat(poll(gate, listed("a", 10, mtime, null))).containsExactly("a");
    // and again at every later poll (Camel's idempotent repository skips it then)
    clock.millis += 1000;
    assertThat(poll(gate, listed("a", 10, mtime, null))).containsExactly("a");
    assertThat(gate.waiting()).isZero();
  }

  @Test
  void onOurOwnClockAnOldModificationTimeCountsButTheFileMustBeSeenTwice() {
    IntakeGate gate = gate(true);
    long old = clock.millis() - 60_000;
    assertThat(poll(gate, listed("old", 10, old, null))).isEmpty();
    clock.millis += 100;
    assertThat(poll(gate, listed("old", 10, old, null))).containsExactly("old");
    // a file written a moment ago waits out min-age from its mtime
    long fresh = clock.millis() - 1000;
    assertThat(poll(gate, listed("fresh", 10, fresh, null))).isEmpty();
    clock.millis += 3_000;
    assertThat(poll(gate, listed("fresh", 10, fresh, null))).isEmpty();
    clock.millis += 1_000;
    assertThat(poll(gate, listed("fresh", 10, fresh, null))).containsExactly("fresh");
    // a modification time in the future (a skewed writer) counts from when we saw it
    long future = clock.millis() + 3_600_000;
    assertThat(poll(gate, listed("future", 1, future, null))).isEmpty();
    clock.millis += 5_000;
    assertThat(poll(gate, listed("future", 1, future, null))).containsExactly("future");
  }

  @Test
  void aGrowingFileWaitsWhileTheOthersAreTakenAndIsReportedPastMaxWait() {
    IntakeGate gate =
        new IntakeGate(
            "sftp",
            IntakeGate.Names.of(".*", ""),
            Duration.ofSeconds(5),
            Duration.ofSeconds(60),
            false,
            clock);
    long size = 0;
    for (int i = 0; i < 100; i++) { // 100 polls, 1 s apart, growing at each
      size += 100;
      java.util.List<String> taken =
          poll(
              gate,
              listed("growing", size, clock.millis(), null),
              listed("done", 5, 1000, null),
              listed("empty", 0, 1000, null));
      assertThat(taken).doesNotContain("growing");
      if (i >= 5) {
        assertThat(taken).containsExactly("done", "empty");
      }
      assertThat(gate.unsettled())
          .isEqualTo(i > 60 ? java.util.List.of("growing") : java.util.List.of());
      clock.millis += 1000;
    }
    assertThat(gate.waiting()).isEqualTo(1);
    assertThat(gate.figures()).containsEntry("caravan.intake.unsettled", 1.0);
    // it settles: taken after min-age, the report cleared
    long mtime = clock.millis();
    for (int i = 0; i < 5; i++) {
      assertThat(poll(gate, listed("growing", size, mtime, null))).isEmpty();
      clock.millis += 1000;
    }
    assertThat(poll(gate, listed("growing", size, mtime, null))).containsExactly("growing");
    assertThat(gate.unsettled()).isEmpty();
    // a new version waits again, with a fresh max-wait
    clock.millis += 1000;
    assertThat(poll(gate, listed("growing", size + 1, clock.millis(), null))).isEmpty();
    assertThat(gate.waiting()).isEqualTo(1);
  }

  @Test
  void namesAreMatchedWholeAcrossLineBreaksAndTheLeftOutAreCounted() {
    IntakeGate gate =
        new IntakeGate(
            "local",
            IntakeGate.Names.of(".*\\.dslog", "skip.*"),
            Duration.ZERO,
            Duration.ofMinutes(10),
            false,
            clock);
    GenericFile<Object> broken = listed("line\nbreak.dslog", 3, 1, null);
    GenericFile<Object> other = listed("notes.txt", 3, 1, null);
    GenericFile<Object> skipped = listed("skip\nme.dslog", 3, 1, null);
    poll(gate, broken, other, skipped);
    clock.millis += 1;
    assertThat(poll(gate, broken, other, skipped)).containsExactly("line\nbreak.dslog");
    assertThat(gate.excluded()).isEqualTo(2);
    // gone from the folder: forgotten
    poll(gate, broken);
    assertThat(gate.excluded()).isZero();
    assertThat(IntakeGate.printable("a\nb\u0001")).isEqualTo("'a\\nb\\u0001'");
  }

  @Test
  void aListedFileThatCannotBeOpenedIsReportedAtItsSecondPollNotBefore() throws Exception {
    IntakeGate gate = gate(true);
    File missing = tmp.resolve("listed-but-not-there").toFile();
    File there = Files.writeString(tmp.resolve("there"), "x").toFile();
    GenericFile<Object> gone = listed("listed-but-not-there", 0, 0, missing);
    GenericFile<Object> fine = listed("there", 1, there.lastModified(), there);
    poll(gate, gone, fine);
    assertThat(gate.unreadable()).isEmpty(); // may just have been deleted meanwhile
    clock.millis += 10_000;
    assertThat(poll(gate, gone, fine)).containsExactly("there");
    assertThat(gate.unreadable()).containsExactly("listed-but-not-there");
    assertThat(gate.figures()).containsEntry("caravan.intake.unreadable", 1.0);
    assertThat(gate.waiting()).isZero();
  }
}
