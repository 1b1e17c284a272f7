package dev.caravan.bench;

import dev.caravan.csv.DslogCsvWriter;
import dev.caravan.dslog.DslogReader;
import dev.caravan.dslog.DslogRecord;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Decode throughput on one core, on the largest sample (a full competition match). The {@code
 * Counters} columns give input bytes/s and records/s; the score is files/s. Run with {@code
 * bench/run-jmh.sh} (see bench/README.md).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx512m"})
public class DecodeBenchmark {

  /** Which sample to decode: a path relative to the project root. */
  @Param({"samples/orangelight_DSLOG-Reader/2022_03_19 12_55_56 Sat.dslog"})
  public String file;

  private byte[] content;
  private final OutputStream sink = OutputStream.nullOutputStream();

  /** Reported by JMH as rates: input bytes/s and records/s. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Counters {
    public long bytes;
    public long records;

    @Setup(Level.Iteration)
    public void reset() {
      bytes = 0;
      records = 0;
    }
  }

  @Setup
  public void load() throws IOException {
    content = Files.readAllBytes(Path.of(file));
  }

  /** Whole file in memory (the fast path). */
  @Benchmark
  public void decodeBuffer(Counters c, Blackhole bh) throws IOException {
    try (DslogReader r = new DslogReader(content, file)) {
      drain(r, c, bh);
    }
  }

  /** Through an InputStream with the reader's bounded window (the streaming path). */
  @Benchmark
  public void decodeStream(Counters c, Blackhole bh) throws IOException {
    try (DslogReader r = new DslogReader(new ByteArrayInputStream(content), file)) {
      drain(r, c, bh);
    }
  }

  /** Streaming decode and CSV rows of every record, written to a null stream. */
  @Benchmark
  public void decodeToCsv(Counters c) throws IOException {
    try (DslogReader r = new DslogReader(new ByteArrayInputStream(content), file)) {
      DslogCsvWriter w = new DslogCsvWriter(sink, "bench.dslog");
      for (DslogRecord rec = r.next(); rec != null; rec = r.next()) {
        w.write(rec);
      }
      w.flush();
      c.records += r.count();
      c.bytes += content.length;
    }
  }

  private void drain(DslogReader r, Counters c, Blackhole bh) throws IOException {
    for (DslogRecord rec = r.next(); rec != null; rec = r.next()) {
      bh.consume(rec);
    }
    c.records += r.count();
    c.bytes += content.length;
  }
}
