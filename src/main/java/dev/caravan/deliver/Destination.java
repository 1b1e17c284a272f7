package dev.caravan.deliver;

import org.apache.camel.Exchange;

/** One named destination's two steps in its deliver route: where the copy goes, and the proof. */
public interface Destination extends CopyCheck {

  /** Chooses where the {@code Delivery} in the body goes; the body becomes the local file. */
  void plan(Exchange exchange) throws Exception;

  /** Reads the copy back; a mismatch fails the attempt. */
  void verify(Exchange exchange) throws Exception;

  /**
   * Fetches the proofs of a whole batch of copies at once where the destination can (one request
   * instead of one per copy); {@code verify} then checks each against its own. The default fetches
   * none: each copy is read back in {@code verify}.
   */
  default java.util.List<Placement.Placed> prove(java.util.List<Placement.Placed> batch)
      throws java.io.IOException {
    return batch;
  }
}
