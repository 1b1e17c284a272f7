package dev.caravan.console;

/** A request the API refuses: its HTTP status and what is wrong, for the JSON error answer. */
public final class ApiException extends RuntimeException {

  private final int status;

  public ApiException(int status, String message) {
    super(message);
    this.status = status;
  }

  public int status() {
    return status;
  }
}
