package dev.caravan.deliver;

import dev.caravan.ledger.Delivery;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.apache.camel.Exchange;

/**
 * The destinations of one kind (archive, sftp, s3), as the bean its deliver routes call: each step
 * goes to the destination the delivery is for, made from its settings ({@code caravan.NAME.*}) the
 * first time. A second SFTP server is a {@code templatedRoute} of {@code sftp-destination} under
 * another name (routes/deliver.camel.yaml); no Java changes.
 */
public final class NamedDestinations<T extends Destination> {

  private final Function<String, T> make;
  private final Map<String, T> byName = new ConcurrentHashMap<>();

  public NamedDestinations(Function<String, T> make) {
    this.make = make;
  }

  public T forName(String name) {
    return byName.computeIfAbsent(name, make);
  }

  public void plan(Exchange exchange) throws Exception {
    forName(exchange.getMessage().getMandatoryBody(Delivery.class).destination()).plan(exchange);
  }

  /**
   * The placed deliveries of one batch (the body: what the upload split collected; other items,
   * from failed attempts, are left out) with the proofs their destination fetched at once.
   */
  public java.util.List<Placement.Placed> prove(java.util.List<?> batch) throws Exception {
    java.util.List<Placement.Placed> placed =
        batch.stream()
            .filter(Placement.Placed.class::isInstance)
            .map(Placement.Placed.class::cast)
            .toList();
    if (placed.isEmpty()) {
      return placed;
    }
    return forName(placed.get(0).delivery().destination()).prove(placed);
  }

  public void verify(Exchange exchange) throws Exception {
    forName(exchange.getProperty(Deliveries.DELIVERY, Delivery.class).destination())
        .verify(exchange);
  }
}
