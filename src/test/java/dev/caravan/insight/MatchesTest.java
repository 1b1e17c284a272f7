package dev.caravan.insight;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.testing.SyntheticLogs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the events say (FMS lines of each type, event names, battery ids) and matches from logs. */
class MatchesTest {

  @TempDir Path tmp;

  static final Pattern BATTERY =
      Pattern.compile(
          InsightSettings.from(dev.caravan.app.Settings.load(null)::get)
              .batteryPattern()
              .pattern());
  static final Instant T = Instant.parse("2026-03-29T13:30:20Z");

  MatchInfo read(String... texts) throws Exception {
    Path f = tmp.resolve("e" + System.nanoTime() + ".dsevents");
    Files.write(f, SyntheticLogs.events(T, texts));
    return MatchInfo.read(f, BATTERY);
  }

  @Test
  void fmsLinesOfEveryTypeEventNamesAndBatteries() throws Exception {
    assertThat(
            read(
                "Info Joystick 0",
                "FMS Connected:   Qualification - 52:1, Field Time: 26/3/29 13:30:54\\n"))
        .isEqualTo(new MatchInfo("Qualification", 52, 1, null, null));
    assertThat(
            read(
                "FMS Connected:   Elimination - 6:2, Field Time: 26/3/29 18:6:8",
                "FMS Event Name: NCPEM"))
        .isEqualTo(new MatchInfo("Elimination", 6, 2, "NCPEM", null));
    assertThat(read("FMS Connected:   Practice - 9:1, Field Time: 26/4/10 16:37:23"))
        .isEqualTo(new MatchInfo("Practice", 9, 1, null, null));
    // a nonsense field time does not hide the match line; None is a type like any other
    MatchInfo none = read("FMS Connected:   None - 0:0, Field Time: -100/0/0 0:0:0");
    assertThat(none).isEqualTo(new MatchInfo("None", 0, 0, null, null));
    assertThat(none.practice()).isTrue();
    assertThat(read("FMS Connected:   Test Match - 3:1, Field Time: 26/1/1 1:1:1").matchType())
        .isEqualTo("Test Match");
    // batteries: a label in a message, or "Battery ID:" from a dashboard; the first wins
    assertThat(
            read(
                    "<TagVersion>1 <time> 01.000 <message> using BAT-2026-007 today",
                    "Battery ID: Old-3")
                .battery())
        .isEqualTo("BAT-2026-007");
    assertThat(read("<TagVersion>1 <message> Battery ID: Old-3 <time> 2.0").battery())
        .isEqualTo("Old-3");
    assertThat(read("no fms here")).isEqualTo(MatchInfo.NONE);
    assertThat(MatchInfo.read(tmp.resolve("missing.dsevents"), BATTERY)).isEqualTo(MatchInfo.NONE);
  }

  static SeasonTable.Row row(long id, String start, MatchInfo info) {
    Instant at = Instant.parse(start);
    PowerTally t = new PowerTally();
    return new SeasonTable.Row(
        id,
        "log" + id + ".dslog",
        "local",
        "log" + id,
        at,
        LocalDate.ofInstant(at, ZoneOffset.UTC),
        info,
        t.seal());
  }

  @Test
  void logsOfOneMatchAreOneMatchAndPracticeIsGroupedByDay() {
    List<Season.Match> m =
        Season.matches(
            List.of(
                row(
                    1,
                    "2026-03-29T13:30:20Z",
                    new MatchInfo("Qualification", 52, 1, null, "BAT-2026-001")),
                row(
                    2,
                    "2026-03-29T13:34:29Z",
                    new MatchInfo("Qualification", 52, 1, "NCPEM", null)),
                row(3, "2026-03-29T18:05:34Z", new MatchInfo("Elimination", 6, 1, null, null)),
                row(4, "2026-03-29T18:07:31Z", new MatchInfo("Elimination", 6, 2, null, null)),
                row(5, "2026-03-29T09:00:00Z", new MatchInfo("None", 0, 0, null, null)),
                row(6, "2026-03-29T10:00:00Z", MatchInfo.NONE),
                row(7, "2026-03-30T10:00:00Z", MatchInfo.NONE)));
    assertThat(m)
        .extracting(x -> x.label() + " " + x.logs().stream().map(SeasonTable.Row::fileId).toList())
        .containsExactly(
            "NCPEM practice 2026-03-29 [5, 6]",
            "NCPEM Qualification 52 [1, 2]",
            "NCPEM Elimination 6 [3]",
            "NCPEM Elimination 6 (replay 2) [4]",
            "practice 2026-03-30 [7]");
    assertThat(m.get(1).battery()).isEqualTo("BAT-2026-001");
    assertThat(m.get(1).toMap())
        .containsEntry("match_number", 52)
        .containsEntry("event_name", "NCPEM");
  }
}
