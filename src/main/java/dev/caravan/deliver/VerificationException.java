package dev.caravan.deliver;

import java.io.IOException;

/** The copy read back from a destination is not the bytes that were sent. */
public final class VerificationException extends IOException {
  public VerificationException(String message) {
    super(message);
  }
}
