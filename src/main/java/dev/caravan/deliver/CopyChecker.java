package dev.caravan.deliver;

import dev.caravan.ledger.DeliveryRow;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Re-verifies a copy the ledger calls verified by asking its destination ({@link CopyCheck}): what
 * {@code caravan check}, the scheduled audit and retention run. A destination is made from its
 * settings the first time one of its copies is checked, of the kind its recorded proof names.
 */
public final class CopyChecker implements AutoCloseable {

  /**
   * Makes the destination NAME of the kind that records proof METHOD; null for an unknown proof.
   */
  @FunctionalInterface
  public interface Kinds {
    CopyCheck make(String name, String method);
  }

  private final Kinds kinds;
  private final Map<String, CopyCheck> byName = new HashMap<>();

  public CopyChecker(Kinds kinds) {
    this.kinds = kinds;
  }

  /** Empty when the copy is there and equal; else what is wrong with it. */
  public synchronized Optional<String> problem(DeliveryRow d) {
    String method = d.verifyMethod() == null ? "" : d.verifyMethod();
    try {
      CopyCheck destination = byName.get(d.destination());
      if (destination == null) {
        destination = kinds.make(d.destination(), method);
        if (destination == null) {
          return Optional.of(
              "cannot check " + d.destination() + ": unknown verification method '" + method + "'");
        }
        byName.put(d.destination(), destination);
      }
      return destination.check(d);
    } catch (IOException | RuntimeException e) {
      // a server that cannot be reached, or a destination whose settings are missing here
      return Optional.of("cannot check: " + e.getMessage());
    }
  }

  @Override
  public synchronized void close() {
    byName.values().forEach(CopyCheck::close);
    byName.clear();
  }
}
