package dev.caravan.readings;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spool's parts of a window, and the markers it forgets once their window is old enough. */
class ReadingSpoolTest {

  @TempDir Path tmp;

  private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

  private static Reading at(Instant t, double v) {
    return new Reading("s1", t.getEpochSecond() * 1_000_000L, Map.of("v", v));
  }

  @Test
  void aWrittenWindowsMarkerIsKeptForPartsKeptThenForgotten() throws Exception {
    ReadingSpool spool =
        new ReadingSpool(tmp, Duration.ofMinutes(15), Duration.ofMinutes(1), Duration.ofDays(1));
    Instant old = Instant.parse("2026-12-05T08:00:10Z"); // its window ended two days ago
    Instant recent = Instant.parse("2026-12-07T10:00:10Z"); // ended less than a day ago
    spool.append(List.of(at(old, 1), at(recent, 2)));
    List<ReadingSpool.Sealed> sealed = spool.seal(NOW);
    assertThat(sealed).extracting(ReadingSpool.Sealed::part).containsExactly(1, 1);
    for (ReadingSpool.Sealed s : sealed) {
      spool.done(s);
    }
    assertThat(names()).hasSize(2).allMatch(n -> n.endsWith(".p1.done"));

    // late readings for both windows: the recent one goes on to part 2, the old one's count is gone
    spool.append(List.of(at(old, 3), at(recent, 4)));
    List<ReadingSpool.Sealed> again = spool.seal(NOW);
    assertThat(again)
        .extracting(s -> s.windowStartS() + ":" + s.part())
        .containsExactly(
            Instant.parse("2026-12-05T08:00:00Z").getEpochSecond() + ":1",
            Instant.parse("2026-12-07T10:00:00Z").getEpochSecond() + ":2");
    assertThat(ReadingSpool.read(again.get(0).file()))
        .extracting(Reading::values)
        .containsExactly(Map.of("v", 3.0));
    assertThat(names())
        .as("the old window's marker forgotten, the recent one's kept")
        .containsExactlyInAnyOrder(
            again.get(0).file().getFileName().toString(),
            again.get(1).file().getFileName().toString(),
            sealed.get(1).file().getFileName().toString().replace(".sealed", ".done"));
  }

  private List<String> names() throws Exception {
    try (Stream<Path> s = Files.list(tmp)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
