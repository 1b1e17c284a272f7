package dev.caravan.bench;

import dev.caravan.convert.ConversionResult;
import dev.caravan.convert.LogConverter;
import dev.caravan.dslog.LogKind;
import dev.caravan.insight.LogSummary;
import dev.caravan.insight.MatchInfo;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What the insight summary adds to {@code convert}, warm, without JVM start or disk: one log and
 * its events file converted to CSV (into a null stream) by the converter {@code convert} uses, with
 * and without the summary's tally and match reading, the summary JSON made in the first case.
 * Score: conversions per second; compare {@code withSummary} to {@code csvOnly}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx512m"})
public class SummaryBenchmark {

  /** A log whose .dsevents is beside it. */
  @Param({"samples/orangelight_DSLOG-Reader/2022_02_25 21_25_39 Fri"})
  public String base;

  private final OutputStream sink = OutputStream.nullOutputStream();
  private final LogConverter plain = new LogConverter(r -> true, e -> true, false);
  private final LogConverter insight =
      new LogConverter(
          r -> true,
          e -> true,
          w -> true,
          false,
          true,
          Pattern.compile("B(?:AT-\\d{4}-\\d{3}|attery ID:\\s*([^\\s<]+))"),
          dev.caravan.csv.DslogCsvWriter.COLUMNS,
          null);

  @Benchmark
  public void csvOnly(Blackhole bh) throws IOException {
    bh.consume(plain.convert(Path.of(base + ".dsevents"), LogKind.DSEVENTS, sink, null));
    bh.consume(plain.convert(Path.of(base + ".dslog"), LogKind.DSLOG, sink, null));
  }

  @Benchmark
  public void withSummary(Blackhole bh) throws IOException {
    ConversionResult events =
        insight.convert(Path.of(base + ".dsevents"), LogKind.DSEVENTS, sink, null);
    ConversionResult log = insight.convert(Path.of(base + ".dslog"), LogKind.DSLOG, sink, null);
    MatchInfo match = events.insight().match();
    bh.consume(
        new LogSummary("x.dslog", log.insight().start(), log.insight().tally(), match).toJson());
  }
}
