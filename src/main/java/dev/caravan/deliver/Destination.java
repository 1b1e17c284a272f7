package dev.caravan.deliver;

import org.apache.camel.Exchange;

/** One named destination's two steps in its deliver route: where the copy goes, and the proof. */
public interface Destination {

  /** Chooses where the {@code Delivery} in the body goes; the body becomes the local file. */
  void plan(Exchange exchange) throws Exception;

  /** Reads the copy back; a mismatch fails the attempt. */
  void verify(Exchange exchange) throws Exception;
}
