package dev.caravan.ledger;

/** The ledger could not be read or written: never swallowed, it fails the exchange. */
public final class LedgerException extends RuntimeException {
  public LedgerException(String message, Throwable cause) {
    super(message, cause);
  }
}
