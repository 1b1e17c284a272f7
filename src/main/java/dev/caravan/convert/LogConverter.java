package dev.caravan.convert;

import dev.caravan.csv.DslogCsvWriter;
import dev.caravan.csv.EventsCsvWriter;
import dev.caravan.csv.RowWriter;
import dev.caravan.csv.WpilogCsvWriter;
import dev.caravan.dslog.DsEvent;
import dev.caravan.dslog.DsEventsReader;
import dev.caravan.dslog.DslogFormatException;
import dev.caravan.dslog.DslogReader;
import dev.caravan.dslog.DslogRecord;
import dev.caravan.dslog.LogKind;
import dev.caravan.dslog.LogReader;
import dev.caravan.dslog.WpilogReader;
import dev.caravan.dslog.WpilogRecord;
import dev.caravan.insight.MatchInfo;
import dev.caravan.insight.PowerTally;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Converts one {@code .dslog} or {@code .dsevents} file to CSV. Writes go to a temporary file
 * beside the target, renamed into place when complete, so a reader never sees half a CSV.
 *
 * <p>A file that ends inside a record converts fine and says so ({@code truncated}); a corrupt
 * length word fails the file but keeps the CSV of the rows before it; a bad header writes nothing.
 */
public final class LogConverter {

  private final Predicate<DslogRecord> recordFilter;
  private final Predicate<DsEvent> eventFilter;
  private final Predicate<WpilogRecord> wpilogFilter;
  private final boolean splitMessages;
  private final java.util.regex.Pattern battery;
  private final boolean insight;
  private final dev.caravan.insight.WpilogPower.Names wpilogPower;
  private final List<String> columns;

  /**
   * @param recordFilter which records become rows
   * @param eventFilter which events become rows
   * @param splitMessages one events row per tagged message instead of per entry
   */
  public LogConverter(
      Predicate<DslogRecord> recordFilter, Predicate<DsEvent> eventFilter, boolean splitMessages) {
    this(
        recordFilter,
        eventFilter,
        w -> true,
        splitMessages,
        false,
        null,
        DslogCsvWriter.COLUMNS,
        null);
  }

  /**
   * @param insight also tally every record of a log, and read an events file's match and battery
   *     (with the {@code battery} pattern), in the same pass
   * @param wpilogFilter which data records of a {@code .wpilog} become rows
   * @param columns the columns of a {@code .dslog}'s CSV ({@link DslogCsvWriter#columns(String)})
   * @param wpilogPower with {@code insight}, the entries a {@code .wpilog}'s summary is made from
   *     (null: no summary of a {@code .wpilog})
   */
  public LogConverter(
      Predicate<DslogRecord> recordFilter,
      Predicate<DsEvent> eventFilter,
      Predicate<WpilogRecord> wpilogFilter,
      boolean splitMessages,
      boolean insight,
      java.util.regex.Pattern battery,
      List<String> columns,
      dev.caravan.insight.WpilogPower.Names wpilogPower) {
    this.wpilogPower = wpilogPower;
    this.recordFilter = recordFilter;
    this.eventFilter = eventFilter;
    this.wpilogFilter = wpilogFilter;
    this.splitMessages = splitMessages;
    this.insight = insight;
    this.battery = battery;
    this.columns = columns;
  }

  /** Converts {@code input} (of kind {@code kind}) into the file {@code target}, atomically. */
  public ConversionResult convertToFile(Path input, LogKind kind, Path target) {
    Path dir = target.toAbsolutePath().getParent();
    Path temp = null;
    try {
      Files.createDirectories(dir);
      // Not Files.createTempFile: its files are 0600, and the CSV should get the usual umask.
      temp = dir.resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
      ConversionResult result;
      try (OutputStream out =
          new BufferedOutputStream(
              Files.newOutputStream(temp, StandardOpenOption.CREATE_NEW), 1 << 16)) {
        result = convert(input, kind, out, target);
      }
      if (result.output() == null) {
        Files.delete(temp);
        return result;
      }
      moveIntoPlace(temp, target);
      return result;
    } catch (IOException e) {
      deleteQuietly(temp);
      return failure(input, 0, "cannot write " + target + ": " + describe(e));
    }
  }

  /**
   * Converts {@code input} into {@code out} (left open). {@code output} is what the result names as
   * the output; it is null in the result when nothing usable was written.
   */
  public ConversionResult convert(Path input, LogKind kind, OutputStream out, Path output)
      throws IOException {
    long start = System.nanoTime();
    long size;
    InputStream in;
    try {
      size = Files.size(input);
      in = Files.newInputStream(input);
    } catch (IOException e) {
      return failure(input, System.nanoTime() - start, "cannot read " + input + ": " + describe(e));
    }
    return switch (kind) {
      case DSLOG ->
          read(
              input,
              in,
              start,
              DslogReader::new,
              r -> convertDslog(r, new Run(input, size, output, start), out));
      case DSEVENTS ->
          read(
              input,
              in,
              start,
              DsEventsReader::new,
              r -> convertEvents(r, new Run(input, size, output, start), out));
      case WPILOG ->
          read(
              input,
              in,
              start,
              WpilogReader::new,
              r -> convertWpilog(r, new Run(input, size, output, start), out));
    };
  }

  /** One file being converted: what the result reports besides what was read. */
  private record Run(Path input, long size, Path output, long start) {}

  private interface Open<R> {
    R open(InputStream in, String source) throws IOException;
  }

  private interface Conversion<R> {
    ConversionResult of(R reader) throws IOException;
  }

  /** Opens the reader (a bad header fails the file, nothing written) and converts, then closes. */
  private static <R extends LogReader<?>> ConversionResult read(
      Path input, InputStream in, long start, Open<R> open, Conversion<R> conversion)
      throws IOException {
    R reader;
    try {
      reader = open.open(in, input.toString());
    } catch (DslogFormatException e) {
      return failure(input, System.nanoTime() - start, e.getMessage());
    }
    try (reader) {
      return conversion.of(reader);
    }
  }

  private ConversionResult convertWpilog(WpilogReader reader, Run run, OutputStream out)
      throws IOException {
    Writer text = new OutputStreamWriter(out, StandardCharsets.UTF_8);
    // the insight from the power entries, in the same pass over every data record
    dev.caravan.insight.WpilogPower power =
        insight && wpilogPower != null ? new dev.caravan.insight.WpilogPower(wpilogPower) : null;
    return pass(
        run,
        reader,
        new WpilogCsvWriter(text),
        wpilogFilter,
        power == null ? w -> {} : power,
        () -> 0,
        () -> {
          PowerTally tally = power == null ? null : power.finish();
          return tally == null ? null : new ConversionResult.Insight(null, tally, null);
        });
  }

  private ConversionResult convertDslog(DslogReader reader, Run run, OutputStream out)
      throws IOException {
    // the insight metrics in the same pass, over every record (the filter shapes the CSV only)
    PowerTally tally = insight ? new PowerTally() : null;
    DslogCsvWriter writer = new DslogCsvWriter(out, run.input().getFileName().toString(), columns);
    return pass(
        run,
        reader,
        writer,
        recordFilter,
        tally == null ? r -> {} : tally::accept,
        reader::flaggedCount,
        () ->
            tally == null
                ? null
                : new ConversionResult.Insight(reader.header().start(), tally.seal(), null));
  }

  private ConversionResult convertEvents(DsEventsReader reader, Run run, OutputStream out)
      throws IOException {
    Writer text = new OutputStreamWriter(out, StandardCharsets.UTF_8);
    EventsCsvWriter writer =
        new EventsCsvWriter(text, run.input().getFileName().toString(), splitMessages);
    MatchInfo.Reader match = insight ? new MatchInfo.Reader(battery) : null;
    return pass(
        run,
        reader,
        writer,
        eventFilter,
        match == null ? e -> {} : e -> match.accept(e.text()),
        () -> 0,
        () -> match == null ? null : new ConversionResult.Insight(null, null, match.info()));
  }

  /**
   * Reads every item, shows it to {@code tap}, writes the ones {@code filter} keeps. A format error
   * ends the pass with the rows before it written.
   */
  private static <T> ConversionResult pass(
      Run run,
      LogReader<T> reader,
      RowWriter<T> writer,
      Predicate<? super T> filter,
      Consumer<T> tap,
      java.util.function.IntSupplier flagged,
      Supplier<ConversionResult.Insight> insight)
      throws IOException {
    String error = null;
    try {
      for (T item = reader.next(); item != null; item = reader.next()) {
        tap.accept(item);
        if (filter.test(item)) {
          writer.write(item);
        }
      }
    } catch (DslogFormatException e) {
      error = e.getMessage();
    }
    writer.flush();
    return new ConversionResult(
        run.input(),
        run.output(),
        writer.rows(),
        reader.count(),
        run.size(),
        System.nanoTime() - run.start(),
        reader.truncated(),
        reader.leftoverBytes(),
        flagged.getAsInt(),
        error,
        insight.get());
  }

  private static ConversionResult failure(Path input, long nanos, String error) {
    return new ConversionResult(input, null, 0, 0, 0, nanos, false, 0, 0, error, null);
  }

  private static void moveIntoPlace(Path temp, Path target) throws IOException {
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static void deleteQuietly(Path p) {
    if (p != null) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException ignored) {
        // the temp name starts with a dot; a stray one is harmless and says what it was
      }
    }
  }

  private static String describe(IOException e) {
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }
}
