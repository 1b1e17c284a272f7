package dev.caravan.dslog;

/**
 * A {@link DslogFormatException} met while iterating (an {@link java.util.Iterator} cannot throw
 * checked exceptions). Other I/O failures surface as {@link java.io.UncheckedIOException}, so a
 * caller can tell a bad file from a failing disk.
 */
public final class MalformedLogException extends RuntimeException {
  public MalformedLogException(DslogFormatException cause) {
    super(cause.getMessage(), cause);
  }

  @Override
  public synchronized DslogFormatException getCause() {
    return (DslogFormatException) super.getCause();
  }
}
