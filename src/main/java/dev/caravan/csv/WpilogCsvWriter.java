package dev.caravan.csv;

import dev.caravan.dslog.WpilogRecord;
import java.io.IOException;
import java.io.Writer;
import java.util.List;

/**
 * Writes a {@code .wpilog}'s data records as long-format CSV, one row per record ({@link
 * #COLUMNS}): the value as {@link WpilogRecord#value()} gives it (arrays as JSON text), quoted by
 * Commons CSV where it holds commas, quotes or line breaks.
 */
public final class WpilogCsvWriter extends PrintedRows<WpilogRecord> {

  public static final List<String> COLUMNS = List.of("timestamp_us", "entry", "type", "value");

  public WpilogCsvWriter(Writer out) throws IOException {
    super(out, COLUMNS);
  }

  @Override
  public void write(WpilogRecord r) throws IOException {
    print(java.util.Arrays.asList(r.timestampUs(), r.entry().name(), r.entry().type(), r.value()));
  }
}
