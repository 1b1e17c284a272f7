package dev.caravan.cli;

import dev.caravan.app.Settings;
import dev.caravan.insight.InsightSettings;
import dev.caravan.insight.Season;
import dev.caravan.insight.SeasonTable;
import dev.caravan.ledger.Ledger;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code caravan insight matches|batteries}: the season table in the ledger, for people. */
@Command(
    name = "insight",
    mixinStandardHelpOptions = true,
    description = {
      "The season from the ledger's summaries: every match (logs of one match combined) or every"
          + " battery (matches, last use, lowest voltage, resistance trend, brownouts, flags).",
      "Exit 0; 1 when batteries are listed and one is flagged."
    })
public final class InsightCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "WHAT", description = "matches or batteries")
  String what;

  @Option(names = "--event", paramLabel = "E", description = "matches: only this event.")
  String event;

  @Option(names = "--battery", paramLabel = "B", description = "matches: only this battery.")
  String battery;

  @Option(names = "--json", description = "JSON for scripts instead of a table.")
  boolean json;

  @Option(names = "--config", paramLabel = "FILE", description = "A properties file.")
  Path config;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    Settings settings = Settings.load(config);
    InsightSettings insight = InsightSettings.from(settings::get);
    PrintStream out = System.out;
    try (Ledger ledger = settings.openLedger()) {
      List<Season.Match> matches = Season.matches(new SeasonTable(ledger).rows(null));
      switch (what) {
        case "matches" -> {
          List<Season.Match> shown =
              matches.stream()
                  .filter(m -> event == null || event.equalsIgnoreCase(m.eventName()))
                  .filter(m -> battery == null || battery.equals(m.battery()))
                  .toList();
          if (json) {
            Json.print(out, shown.stream().map(Season.Match::toMap).toList());
          } else {
            printMatches(out, shown);
          }
          return 0;
        }
        case "batteries" -> {
          List<Season.Battery> batteries = Season.batteries(matches, insight.resistanceWarnMohm());
          if (json) {
            Json.print(out, batteries.stream().map(Season.Battery::toMap).toList());
          } else {
            printBatteries(out, batteries);
          }
          return batteries.stream().anyMatch(Season.Battery::flagged) ? 1 : 0;
        }
        default ->
            throw new CommandLine.ParameterException(
                spec.commandLine(), "WHAT is matches or batteries, not " + what);
      }
    }
  }

  private static void printMatches(PrintStream out, List<Season.Match> matches) {
    out.printf(
        "%-36s %-10s %4s %7s %7s %6s %8s %7s %6s  %s%n",
        "match", "day", "logs", "enabled", "V min", "brown", "Wh", "peak A", "mΩ", "battery");
    for (Season.Match m : matches) {
      var t = m.tally();
      var fit = t.fit();
      out.printf(
          Locale.ROOT,
          "%-36s %-10s %4d %7.1f %7s %6d %8.2f %7s %6s  %s%n",
          m.label(),
          m.day(),
          m.logs().size(),
          t.enabledS(),
          number(t.vMin(), "%.2f"),
          t.brownoutEvents(),
          t.energyWh(),
          number(t.iPeak(), "%.1f"),
          fit != null && fit.usable() ? number(fit.resistanceMohm(), "%.1f") : "-",
          m.battery() == null ? "-" : m.battery());
    }
    out.println(matches.size() + " match(es)");
  }

  private static void printBatteries(PrintStream out, List<Season.Battery> batteries) {
    out.printf(
        "%-16s %7s %-20s %6s %9s %9s %6s  %s%n",
        "battery", "matches", "last used", "V min", "mΩ first5", "mΩ last5", "brown", "flags");
    for (Season.Battery b : batteries) {
      out.printf(
          Locale.ROOT,
          "%-16s %7d %-20s %6s %9s %9s %6d  %s%n",
          b.id(),
          b.matches(),
          b.lastUsed() == null ? "-" : b.lastUsed().toString().substring(0, 16),
          number(b.vMin(), "%.2f"),
          number(b.resistanceFirst5(), "%.1f"),
          number(b.resistanceLast5(), "%.1f"),
          b.brownoutEvents(),
          b.flagged() ? "FLAGGED: " + String.join("; ", b.flags()) : "");
    }
    out.println(batteries.size() + " batter" + (batteries.size() == 1 ? "y" : "ies"));
  }

  private static String number(Double v, String format) {
    return v == null ? "-" : String.format(Locale.ROOT, format, v);
  }
}
