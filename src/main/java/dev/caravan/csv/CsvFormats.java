package dev.caravan.csv;

import org.apache.commons.csv.CSVFormat;

/** The one CSV dialect Caravan writes: RFC 4180 quoting, LF line ends. */
public final class CsvFormats {

  public static final CSVFormat CARAVAN =
      CSVFormat.RFC4180.builder().setRecordSeparator('\n').get();

  private CsvFormats() {}

  /** One field, quoted as the format requires. */
  public static String field(String value) {
    return CARAVAN.format(value);
  }
}
