package dev.caravan.insight;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Logs grouped into matches, and matches into batteries. A match can span several logs (the DS
 * starts a new log when it reconnects): logs are grouped by (event, match type, number, replay),
 * where a log without an event name takes the one of another log of the same day that has one; a
 * log of type {@code None} (no field match) or without an FMS line belongs to that day's practice
 * session. A match's numbers are those of its logs' tallies added up (one pass over the union).
 */
public final class Season {

  private Season() {}

  /** One match (or a day's practice session) and its logs. */
  public record Match(
      String eventName,
      String matchType,
      Integer matchNumber,
      Integer matchReplay,
      LocalDate day,
      Instant start,
      String battery,
      List<SeasonTable.Row> logs,
      PowerTally tally) {

    public boolean practice() {
      return matchType == null || matchType.equals("None");
    }

    /**
     * A label for people: {@code NCPEM Qualification 52 (replay 1)} or {@code practice 2026-04-04}.
     */
    public String label() {
      if (practice()) {
        return (eventName == null ? "" : eventName + " ") + "practice " + day;
      }
      return (eventName == null ? "" : eventName + " ")
          + matchType
          + " "
          + matchNumber
          + (matchReplay != null && matchReplay > 1 ? " (replay " + matchReplay + ")" : "");
    }

    /** The JSON of {@code caravan insight matches --json}: who it is, its logs, its metrics. */
    public Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("event_name", eventName);
      m.put("match_type", matchType);
      m.put("match_number", matchNumber);
      m.put("match_replay", matchReplay);
      m.put("day", day.toString());
      m.put("start", start == null ? null : start.toString());
      m.put("battery", battery);
      m.put("logs", logs.stream().map(SeasonTable.Row::name).toList());
      LogSummary.metrics(tally, m);
      return m;
    }
  }

  /** The logs grouped into matches, in the order they started. */
  public static List<Match> matches(List<SeasonTable.Row> rows) {
    List<SeasonTable.Row> sorted =
        rows.stream()
            .sorted(
                Comparator.comparing(
                        SeasonTable.Row::start, Comparator.nullsLast(Comparator.naturalOrder()))
                    .thenComparing(SeasonTable.Row::fileId))
            .toList();
    // a log without an event name takes the one of another log of its day
    Map<LocalDate, String> eventOfDay = new HashMap<>();
    for (SeasonTable.Row r : sorted) {
      if (r.info().eventName() != null) {
        eventOfDay.putIfAbsent(r.day(), r.info().eventName());
      }
    }
    Map<List<Object>, List<SeasonTable.Row>> groups = new LinkedHashMap<>();
    for (SeasonTable.Row r : sorted) {
      MatchInfo i = r.info();
      String event = i.eventName() != null ? i.eventName() : eventOfDay.get(r.day());
      List<Object> key =
          i.practice()
              ? java.util.Arrays.asList("practice", event, r.day())
              : java.util.Arrays.asList(
                  "match", event, i.matchType(), i.matchNumber(), i.matchReplay());
      groups.computeIfAbsent(key, k -> new ArrayList<>()).add(r);
    }
    List<Match> matches = new ArrayList<>();
    for (Map.Entry<List<Object>, List<SeasonTable.Row>> g : groups.entrySet()) {
      List<SeasonTable.Row> logs = g.getValue();
      SeasonTable.Row first = logs.get(0);
      PowerTally tally = new PowerTally();
      for (SeasonTable.Row r : logs) {
        tally = tally.plus(r.tally());
      }
      String type = first.info().matchType();
      boolean practice = first.info().practice();
      matches.add(
          new Match(
              (String) g.getKey().get(1),
              type,
              practice ? null : first.info().matchNumber(),
              practice ? null : first.info().matchReplay(),
              first.day(),
              first.start(),
              logs.stream()
                  .map(r -> r.info().battery())
                  .filter(Objects::nonNull)
                  .findFirst()
                  .orElse(null),
              List.copyOf(logs),
              tally));
    }
    return matches;
  }

  /** One battery across the season. */
  public record Battery(
      String id,
      int matches,
      Instant lastUsed,
      Double vMin,
      Double resistanceFirst5,
      Double resistanceLast5,
      long brownoutEvents,
      List<String> flags) {

    public boolean flagged() {
      return !flags.isEmpty();
    }

    public Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("battery", id);
      m.put("matches", matches);
      m.put("last_used", lastUsed == null ? null : lastUsed.toString());
      m.put("v_min", vMin);
      m.put("resistance_mohm_first5", resistanceFirst5);
      m.put("resistance_mohm_last5", resistanceLast5);
      m.put("brownout_events", brownoutEvents);
      m.put("flagged", flagged());
      m.put("flags", flags);
      return m;
    }
  }

  /**
   * Per battery: matches used, last used, the least enabled voltage, the resistance trend (mean of
   * the first five and of the last five matches with an estimate), brownouts. Flagged when the
   * recent estimate is above {@code resistanceWarnMohm} or a match took it below 7 V.
   */
  public static List<Battery> batteries(List<Match> matches, double resistanceWarnMohm) {
    Map<String, List<Match>> byBattery = new LinkedHashMap<>();
    for (Match m : matches) {
      if (m.battery() != null) {
        byBattery.computeIfAbsent(m.battery(), k -> new ArrayList<>()).add(m);
      }
    }
    List<Battery> out = new ArrayList<>();
    for (Map.Entry<String, List<Match>> e : byBattery.entrySet()) {
      List<Match> used = e.getValue();
      Double vMin = null;
      long brownouts = 0;
      Instant last = null;
      List<Double> resistances = new ArrayList<>();
      List<String> flags = new ArrayList<>();
      for (Match m : used) {
        Double v = m.tally().vMin();
        if (v != null) {
          vMin = vMin == null ? v : Math.min(vMin, v);
          if (v < InsightSettings.LOW_VOLTS) {
            flags.add(String.format(java.util.Locale.ROOT, "%.2f V in %s", v, m.label()));
          }
        }
        brownouts += m.tally().brownoutEvents();
        if (m.start() != null && (last == null || m.start().isAfter(last))) {
          last = m.start();
        }
        PowerTally.Fit fit = m.tally().fit();
        if (fit != null && fit.usable()) {
          resistances.add(fit.resistanceMohm());
        }
      }
      Double first5 = mean(resistances.subList(0, Math.min(5, resistances.size())));
      Double last5 =
          mean(resistances.subList(Math.max(0, resistances.size() - 5), resistances.size()));
      if (last5 != null && last5 > resistanceWarnMohm) {
        flags.add(
            0,
            String.format(
                java.util.Locale.ROOT,
                "resistance %.1f mΩ over the last %d match(es), above %.0f mΩ",
                last5,
                Math.min(5, resistances.size()),
                resistanceWarnMohm));
      }
      out.add(
          new Battery(
              e.getKey(), used.size(), last, vMin, first5, last5, brownouts, List.copyOf(flags)));
    }
    return out;
  }

  private static Double mean(List<Double> values) {
    return values.isEmpty()
        ? null
        : values.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
  }
}
