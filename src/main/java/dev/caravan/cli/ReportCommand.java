package dev.caravan.cli;

import dev.caravan.app.Settings;
import dev.caravan.dslog.LogKind;
import dev.caravan.files.DerivedFile;
import dev.caravan.insight.InsightSettings;
import dev.caravan.insight.LogReading;
import dev.caravan.insight.MatchInfo;
import dev.caravan.insight.PowerSeries;
import dev.caravan.insight.Report;
import dev.caravan.insight.Season;
import dev.caravan.insight.SeasonTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code caravan report LOG|FOLDER… --out report.html}: the insight report of some logs. */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description = {
      "One self-contained HTML report (opens offline, from a USB stick) of Driver Station logs:"
          + " per match, voltage and current with the robot's modes and brownouts, current and"
          + " energy per PD channel, the summary numbers; the batteries across the matches."
          + " Each NAME.dslog's match and battery come from its NAME.dsevents.",
      "Exit 0; 1 when a log could not be read (the others are in the report); 2 on bad usage."
    })
public final class ReportCommand implements Callable<Integer> {

  @Parameters(
      arity = "1..*",
      paramLabel = "LOG_OR_FOLDER",
      description = ".dslog files or folders.")
  List<Path> inputs;

  @Option(
      names = {"-o", "--out"},
      required = true,
      paramLabel = "FILE",
      description = "The report to write, e.g. report.html.")
  Path out;

  @Option(names = "--title", paramLabel = "TEXT", description = "The report's title.")
  String title;

  @Option(names = "--config", paramLabel = "FILE", description = "A properties file.")
  Path config;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    InsightSettings settings = InsightSettings.from(Settings.load(config)::get);
    List<Path> logs = new ArrayList<>();
    for (Path input : inputs) {
      if (Files.isDirectory(input)) {
        try (Stream<Path> walk = Files.walk(input)) {
          walk.filter(p -> Files.isRegularFile(p) && LogKind.of(p) == LogKind.DSLOG)
              .sorted()
              .forEach(logs::add);
        }
      } else if (LogKind.of(input) == LogKind.DSLOG && Files.isRegularFile(input)) {
        logs.add(input);
      } else {
        throw new CommandLine.ParameterException(
            spec.commandLine(), input + ": not a .dslog file or a folder");
      }
    }
    if (logs.isEmpty()) {
      throw new CommandLine.ParameterException(spec.commandLine(), "no .dslog file in " + inputs);
    }
    List<SeasonTable.Row> rows = new ArrayList<>();
    Map<Long, PowerSeries.Points> series = new HashMap<>();
    int failed = 0;
    long id = 0;
    for (Path log : logs) {
      String name = log.getFileName().toString();
      LogReading reading;
      try {
        reading = LogReading.of(log);
      } catch (IOException e) {
        System.err.println("FAILED " + log + ": " + e.getMessage());
        failed++;
        continue;
      }
      String base = name.substring(0, name.length() - LogKind.DSLOG.extension().length());
      MatchInfo info =
          MatchInfo.read(log.resolveSibling(base + ".dsevents"), settings.batteryPattern())
              .withBattery(settings.mappedBattery(reading.start()));
      rows.add(
          new SeasonTable.Row(
              ++id,
              name,
              "file",
              log.toString(),
              reading.start(),
              reading.start().atZone(settings.zone()).toLocalDate(),
              info,
              reading.tally()));
      series.put(id, reading.points());
    }
    List<Season.Match> matches = Season.matches(rows);
    byte[] html =
        Report.html(
            title != null ? title : "Caravan insight: " + logs.size() + " log(s)",
            matches,
            series,
            Season.batteries(matches, settings.resistanceWarnMohm()),
            Instant.now());
    Path target = out.toAbsolutePath();
    try (DerivedFile file = new DerivedFile(target)) {
      file.append(html);
      file.complete();
    }
    System.out.printf(
        "%s: %d match(es) from %d log(s), %d KB%n",
        out, matches.size(), rows.size(), html.length / 1024);
    return failed == 0 ? 0 : 1;
  }
}
