package dev.caravan.csv;

import java.io.IOException;
import java.io.Writer;
import java.util.List;
import org.apache.commons.csv.CSVPrinter;

/**
 * A {@link RowWriter} over Commons CSV (the events and {@code .wpilog} writers): the header, the
 * rows and their count, flush and close written once. The records CSV has its own byte-level
 * writer.
 */
abstract class PrintedRows<T> implements RowWriter<T> {

  private final CSVPrinter printer;
  private long rows;

  PrintedRows(Writer out, List<String> header) throws IOException {
    this.printer = new CSVPrinter(out, CsvFormats.CARAVAN);
    printer.printRecord(header);
  }

  /** Prints one row. */
  protected final void print(Iterable<?> values) throws IOException {
    printer.printRecord(values);
    rows++;
  }

  @Override
  public final long rows() {
    return rows;
  }

  @Override
  public final void flush() throws IOException {
    printer.flush();
  }

  @Override
  public final void close() throws IOException {
    printer.close(true);
  }
}
