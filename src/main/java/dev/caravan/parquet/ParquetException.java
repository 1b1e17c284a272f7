package dev.caravan.parquet;

/** DuckDB could not write a Parquet file: the message names the file and the cause. */
public final class ParquetException extends RuntimeException {
  public ParquetException(String message, Throwable cause) {
    super(message, cause);
  }
}
