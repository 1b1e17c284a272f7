package dev.caravan.csv;

import dev.caravan.dslog.WpilogRecord;
import java.io.IOException;
import java.io.Writer;
import java.util.List;
import org.apache.commons.csv.CSVPrinter;

/**
 * Writes a {@code .wpilog}'s data records as long-format CSV, one row per record ({@link
 * #COLUMNS}): the value as {@link WpilogRecord#value()} gives it (arrays as JSON text), quoted by
 * Commons CSV where it holds commas, quotes or line breaks.
 */
public final class WpilogCsvWriter implements RowWriter<WpilogRecord> {

  public static final List<String> COLUMNS = List.of("timestamp_us", "entry", "type", "value");

  private final CSVPrinter printer;
  private long rows;

  public WpilogCsvWriter(Writer out) throws IOException {
    this.printer = new CSVPrinter(out, CsvFormats.CARAVAN);
    printer.printRecord(COLUMNS);
  }

  @Override
  public void write(WpilogRecord r) throws IOException {
    printer.printRecord(r.timestampUs(), r.entry().name(), r.entry().type(), r.value());
    rows++;
  }

  @Override
  public long rows() {
    return rows;
  }

  @Override
  public void flush() throws IOException {
    printer.flush();
  }

  @Override
  public void close() throws IOException {
    printer.close(true);
  }
}
