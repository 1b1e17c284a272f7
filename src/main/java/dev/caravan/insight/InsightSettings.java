package dev.caravan.insight;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The insight settings ({@code caravan.insight.*}), read the same way by the route application and
 * the commands.
 *
 * @param batteryPattern finds the battery id in a log's events text
 * @param batteryMap the team's own ranges of log start times per battery, for logs whose events
 *     name none
 * @param zone the time zone that makes a log's day (a match's practice session, an event's day)
 * @param resistanceWarnMohm a battery whose resistance estimate is above this is flagged
 */
public record InsightSettings(
    Pattern batteryPattern, List<BatteryRange> batteryMap, ZoneId zone, double resistanceWarnMohm) {

  /** Below this, a battery's minimum enabled voltage in a match flags it. */
  public static final double LOW_VOLTS = 7.0;

  /** One line of the battery mapping file: logs started in [from, to) used this battery. */
  public record BatteryRange(Instant from, Instant to, String battery) {}

  /** From configuration keys ({@code caravan.insight.*}), e.g. {@code Settings::get}. */
  public static InsightSettings from(Function<String, String> config) {
    String zone = config.apply("caravan.insight.zone");
    ZoneId zoneId = zone == null || zone.isBlank() ? ZoneId.systemDefault() : ZoneId.of(zone);
    String map = config.apply("caravan.insight.battery-map");
    return new InsightSettings(
        Pattern.compile(config.apply("caravan.insight.battery-pattern")),
        map == null || map.isBlank() ? List.of() : readMap(Path.of(map), zoneId),
        zoneId,
        Double.parseDouble(config.apply("caravan.insight.resistance-warn")));
  }

  /** The battery of a log started at {@code start} by the mapping file, or null. */
  public String mappedBattery(Instant start) {
    if (start == null) {
      return null;
    }
    for (BatteryRange r : batteryMap) {
      if (!start.isBefore(r.from()) && start.isBefore(r.to())) {
        return r.battery();
      }
    }
    return null;
  }

  /**
   * Reads {@code FROM,TO,BATTERY} lines (ISO-8601 instants, or dates meaning whole days in the
   * zone; {@code #} starts a comment). A line that cannot be read stops the start, naming it.
   */
  static List<BatteryRange> readMap(Path file, ZoneId zone) {
    List<BatteryRange> ranges = new ArrayList<>();
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the battery map " + file + ": " + e, e);
    }
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).replaceFirst("#.*", "").strip();
      if (line.isEmpty()) {
        continue;
      }
      String[] f = line.split("\\s*,\\s*");
      try {
        if (f.length != 3 || f[2].isBlank()) {
          throw new IllegalArgumentException("expected FROM,TO,BATTERY");
        }
        ranges.add(new BatteryRange(instant(f[0], zone, false), instant(f[1], zone, true), f[2]));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(
            "battery map " + file + " line " + (i + 1) + ": " + e.getMessage() + ": " + line, e);
      }
    }
    return List.copyOf(ranges);
  }

  private static Instant instant(String text, ZoneId zone, boolean end) {
    if (text.length() == 10) {
      LocalDate day = LocalDate.parse(text);
      return (end ? day.plusDays(1) : day).atStartOfDay(zone).toInstant();
    }
    return Instant.parse(text);
  }
}
