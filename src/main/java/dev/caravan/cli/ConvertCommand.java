package dev.caravan.cli;

import dev.caravan.app.Settings;
import dev.caravan.convert.ConversionResult;
import dev.caravan.convert.LogConverter;
import dev.caravan.csv.DslogCsvWriter;
import dev.caravan.dslog.DslogRecord;
import dev.caravan.dslog.LogKind;
import dev.caravan.files.DerivedFile;
import dev.caravan.insight.InsightSettings;
import dev.caravan.insight.LogSummary;
import dev.caravan.insight.MatchInfo;
import dev.caravan.parquet.DuckDb;
import dev.caravan.parquet.ParquetException;
import dev.caravan.parquet.ParquetFiles;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code caravan convert FILE_OR_DIR… --out DIR}: Driver Station logs to CSV. */
@Command(
    name = "convert",
    mixinStandardHelpOptions = true,
    description = {
      "Decodes FRC Driver Station logs to CSV: NAME.dslog -> NAME.csv, NAME.dsevents ->"
          + " NAME.events.csv, and sums up each log in NAME.summary.json (battery, brownouts,"
          + " energy per channel, the match from NAME.dsevents); WPILib data logs too: NAME.wpilog"
          + " -> NAME.wpilog.csv, one row per data record. Directories are walked; their layout is"
          + " kept under --out.",
      "Exit 0 when every file converted, 1 when any failed (the others are still converted),"
          + " 2 on bad usage."
    })
public final class ConvertCommand implements Callable<Integer> {

  /** Robot modes for --mode, from the robot's status flags. */
  enum Mode {
    disabled,
    auto,
    teleop,
    none
  }

  @Parameters(arity = "1..*", paramLabel = "FILE_OR_DIR", description = "Logs or folders of logs.")
  List<Path> inputs;

  @Option(
      names = {"-o", "--out"},
      paramLabel = "DIR",
      description = "Folder for the CSV files (created if missing).")
  Path out;

  @Option(
      names = "--stdout",
      description = "Write the CSV of a single file to standard output instead of --out.")
  boolean stdout;

  @Option(
      names = "--mode",
      split = ",",
      paramLabel = "MODE",
      description = "Keep only records whose robot mode is one of: ${COMPLETION-CANDIDATES}.")
  Set<Mode> modes;

  @Option(
      names = "--from",
      paramLabel = "SECONDS",
      description =
          "Keep only records and events at least this many seconds after the file start (.wpilog: after its timestamp zero, the robot program's start).")
  Double fromSeconds;

  @Option(
      names = "--to",
      paramLabel = "SECONDS",
      description =
          "Keep only records and events before this many seconds after the file start (.wpilog: before this many seconds of its timestamps).")
  Double toSeconds;

  @Option(
      names = "--columns",
      paramLabel = "NAMES",
      description =
          "DS log CSV: only these columns, in this order (comma-separated, e.g."
              + " time_utc,battery_v,pd_total_a; the same names as caravan.decode.columns).")
  String columns;

  @Option(
      names = "--split-messages",
      description = "Events CSV: one row per tagged message instead of one per entry.")
  boolean splitMessages;

  @Option(
      names = "--no-summary",
      description = "Do not write NAME.summary.json beside each log's CSV.")
  boolean noSummary;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "Configuration (caravan.insight.*); default ./config/application.properties.")
  Path config;

  @Option(
      names = "--parquet",
      description =
          "Also write each CSV as typed, zstd Parquet beside it (NAME.parquet, NAME.events.parquet,"
              + " NAME.wpilog.parquet), as the route application does with caravan.parquet.enabled.")
  boolean parquet;

  @Option(
      names = {"-q", "--quiet"},
      description = "Print only failures and the summary.")
  boolean quiet;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** One input file and where its CSV goes. */
  private record Job(Path input, LogKind kind, Path target) {}

  @Override
  public Integer call() throws IOException {
    if (stdout == (out != null)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "Give exactly one of --out DIR and --stdout");
    }
    PrintStream report = stdout ? System.err : System.out;
    List<String> problems = new ArrayList<>();
    List<Job> jobs = plan(problems);
    if (stdout && (jobs.size() + problems.size()) != 1) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--stdout takes exactly one log file");
    }
    List<String> chosen;
    try {
      chosen = DslogCsvWriter.columns(columns);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    Settings settings = Settings.load(config);
    InsightSettings insight = stdout || noSummary ? null : InsightSettings.from(settings::get);
    if (parquet && stdout) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--parquet needs --out DIR");
    }
    DuckDb duckDb =
        parquet
            ? new DuckDb(
                settings.get("caravan.parquet.memory-limit"),
                Integer.parseInt(settings.get("caravan.parquet.threads")),
                Files.createTempDirectory("caravan-duckdb"))
            : null;
    try {
      return convertAll(
          report,
          problems,
          jobs,
          chosen,
          insight,
          insight == null ? null : dev.caravan.insight.WpilogPower.Names.from(settings::get),
          duckDb);
    } finally {
      if (duckDb != null) {
        duckDb.stop();
        Files.deleteIfExists(duckDb.spill());
      }
    }
  }

  private int convertAll(
      PrintStream report,
      List<String> problems,
      List<Job> jobs,
      List<String> chosen,
      InsightSettings insight,
      dev.caravan.insight.WpilogPower.Names wpilogPower,
      DuckDb duckDb)
      throws IOException {
    ParquetFiles parquetFiles = duckDb == null ? null : new ParquetFiles(duckDb);
    LogConverter converter =
        new LogConverter(
            r -> inTime(r.relativeNanos()) && inMode(r),
            e -> inTime(e.relativeNanos()),
            w -> inTime(w.timestampUs() * 1000),
            splitMessages,
            insight != null,
            insight == null ? null : insight.batteryPattern(),
            chosen,
            wpilogPower);
    // what each events file converted here says of its match (NAME.dsevents sorts before
    // NAME.dslog, so a log finds its own events file's here, read in that file's own pass)
    Map<Path, MatchInfo> matches = new HashMap<>();
    int failed = problems.size();
    long records = 0;
    long bytes = 0;
    long started = System.nanoTime();
    for (String p : problems) {
      report.println("FAILED " + p);
    }
    // with -q only failures are printed: a bar shows the rest is moving (on a terminal only)
    Progress progress = new Progress("converting");
    int done = 0;
    for (Job job : jobs) {
      if (quiet && !stdout) {
        progress.show(done++, jobs.size());
      }
      ConversionResult r;
      if (stdout) {
        OutputStream o = new BufferedOutputStream(System.out, 1 << 16);
        r = converter.convert(job.input(), job.kind(), o, null);
        o.flush();
      } else {
        r = converter.convertToFile(job.input(), job.kind(), job.target());
        if (r.insight() != null && r.insight().match() != null) {
          matches.put(job.input().toAbsolutePath().normalize(), r.insight().match());
        }
        if (r.insight() != null && r.insight().tally() != null && r.output() != null) {
          writeSummary(job, r, insight, matches);
        }
        if (parquetFiles != null && r.output() != null) {
          r = withParquet(job, r, parquetFiles);
        }
      }
      records += r.items();
      bytes += r.bytes();
      if (r.failed()) {
        failed++;
      }
      if (r.failed() || !quiet) {
        report.println(describe(r));
      }
    }
    progress.end();
    double seconds = (System.nanoTime() - started) / 1e9;
    report.printf(
        Locale.ROOT,
        "%d file(s): %d converted, %d failed; %d records/events, %.1f MB in %.2f s%n",
        jobs.size() + problems.size(),
        jobs.size() + problems.size() - failed,
        failed,
        records,
        bytes / 1e6,
        seconds);
    return failed == 0 ? 0 : 1;
  }

  /** NAME.parquet beside NAME.csv; a Parquet that cannot be made fails the file. */
  private static ConversionResult withParquet(Job job, ConversionResult r, ParquetFiles writer)
      throws IOException {
    Path csv = r.output();
    String name = csv.getFileName().toString();
    Path target = csv.resolveSibling(name.substring(0, name.length() - 3) + "parquet");
    try {
      writer.fromCsv(csv, job.kind().csvArtifact(), target);
      return r;
    } catch (ParquetException e) {
      return r.withError(e.getMessage());
    }
  }

  /**
   * NAME.summary.json beside NAME.csv, from the tally made while the CSV was written and the match
   * the log's own NAME.dsevents names.
   */
  private static void writeSummary(
      Job job, ConversionResult r, InsightSettings insight, Map<Path, MatchInfo> matches)
      throws IOException {
    String name = job.input().getFileName().toString();
    String base = name.substring(0, name.length() - job.kind().extension().length());
    Path events = job.input().resolveSibling(base + ".dsevents").toAbsolutePath().normalize();
    MatchInfo match = matches.get(events);
    if (match == null) {
      match = MatchInfo.read(events, insight.batteryPattern()); // not among the inputs
    }
    Instant start = r.insight().start();
    LogSummary summary =
        new LogSummary(
            name, start, r.insight().tally(), match.withBattery(insight.mappedBattery(start)));
    Path target = job.target().resolveSibling(base + ".summary.json");
    try (DerivedFile file = new DerivedFile(target)) {
      file.append(summary.toJson());
      file.complete();
    }
  }

  /** Expands folders, pairs every log with its CSV path, and refuses collisions. */
  private List<Job> plan(List<String> problems) throws IOException {
    List<Job> jobs = new ArrayList<>();
    Map<Path, Path> targets = new HashMap<>();
    for (Path input : inputs) {
      if (Files.isDirectory(input)) {
        List<Path> found;
        try (Stream<Path> walk = Files.walk(input)) {
          found =
              walk.filter(p -> Files.isRegularFile(p) && LogKind.of(p) != null).sorted().toList();
        }
        if (found.isEmpty()) {
          problems.add(input + ": no .dslog, .dsevents or .wpilog file in this folder");
        }
        for (Path f : found) {
          Path relative = input.relativize(f.getParent() == null ? input : f.getParent());
          add(jobs, targets, problems, f, relative);
        }
      } else if (!Files.exists(input)) {
        problems.add(input + ": no such file or folder");
      } else if (LogKind.of(input) == null) {
        problems.add(input + ": not a .dslog, .dsevents or .wpilog file");
      } else {
        add(jobs, targets, problems, input, Path.of(""));
      }
    }
    return jobs;
  }

  private void add(
      List<Job> jobs, Map<Path, Path> targets, List<String> problems, Path file, Path relative) {
    LogKind kind = LogKind.of(file);
    Path target =
        stdout ? null : out.resolve(relative).resolve(kind.csvName(file.getFileName().toString()));
    if (target != null) {
      Path key = target.toAbsolutePath().normalize();
      Path earlier = targets.putIfAbsent(key, file);
      if (earlier != null) {
        problems.add(file + ": its CSV " + target + " would overwrite the one from " + earlier);
        return;
      }
    }
    jobs.add(new Job(file, kind, target));
  }

  private boolean inMode(DslogRecord r) {
    return modes == null || modes.isEmpty() || modes.contains(modeOf(r));
  }

  private boolean inTime(long relativeNanos) {
    double s = relativeNanos / 1e9;
    return (fromSeconds == null || s >= fromSeconds) && (toSeconds == null || s < toSeconds);
  }

  static Mode modeOf(DslogRecord r) {
    if (r.robotDisabled()) {
      return Mode.disabled;
    }
    if (r.robotAuto()) {
      return Mode.auto;
    }
    return r.robotTeleop() ? Mode.teleop : Mode.none;
  }

  private static String describe(ConversionResult r) {
    StringBuilder s = new StringBuilder();
    if (r.failed()) {
      s.append("FAILED ").append(r.input()).append(": ").append(r.error());
      if (r.output() != null) {
        s.append(String.format(" (the %d rows before it are in %s)", r.rows(), r.output()));
      }
      return s.toString();
    }
    s.append(r.input()).append(" -> ").append(r.output() == null ? "stdout" : r.output());
    s.append(
        String.format(
            Locale.ROOT,
            " (%d %s, %d rows, %.3f s, %.1f MB/s)",
            r.items(),
            r.input().toString().endsWith(".dsevents") ? "events" : "records",
            r.rows(),
            r.nanos() / 1e9,
            r.megabytesPerSecond()));
    if (r.truncated()) {
      s.append(
          String.format(
              "; WARNING truncated: %d bytes after the last complete one were left out",
              r.leftoverBytes()));
    }
    if (r.flagged() > 0) {
      s.append(
          String.format(
              "; WARNING %d record(s) with a PD block of unknown length skipped (pd_type unknown:N)",
              r.flagged()));
    }
    return s.toString();
  }
}
