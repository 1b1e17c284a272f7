package dev.caravan.decode;

/** A log that could not be decoded; the message names the file, the byte offset and the cause. */
public final class DecodeException extends RuntimeException {
  public DecodeException(String message, Throwable cause) {
    super(message, cause);
  }
}
