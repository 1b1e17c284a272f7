package dev.caravan.deliver;

import dev.caravan.ledger.DeliveryRow;
import java.io.IOException;
import java.util.Optional;

/**
 * What a destination answers about a copy the ledger calls verified, asked again later ({@code
 * caravan check}, the scheduled audit, retention before it deletes): the same read-back as its
 * delivery.
 */
public interface CopyCheck extends AutoCloseable {

  /** Empty when the copy is there with the recorded bytes; else what is wrong with it. */
  Optional<String> check(DeliveryRow copy) throws IOException;

  /** The connections it keeps, if any, ended. */
  @Override
  default void close() {}

  /** The answer for a copy whose SHA-256 at the destination is {@code actual}. */
  static Optional<String> sameBytes(DeliveryRow copy, String actual) {
    return copy.sha256().equals(actual)
        ? Optional.empty()
        : Optional.of("SHA-256 " + actual + ", expected " + copy.sha256());
  }
}
