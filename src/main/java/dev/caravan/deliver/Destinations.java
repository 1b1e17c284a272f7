package dev.caravan.deliver;

import java.util.List;
import java.util.function.Supplier;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The destinations files are queued for, read live: one per {@code deliver-NAME} route in the
 * running application that is not stopped. A route file added to {@code routes/} (or switched on by
 * its precondition) adds a destination without a restart; stopping the route (JMX) takes it away. A
 * suspended route still counts: its backlog waits for it. {@code caravan.destinations}, when set,
 * keeps only the names it lists.
 */
public final class Destinations implements Supplier<List<String>> {

  private static final Logger LOG = LoggerFactory.getLogger("caravan.deliver");
  private static final String PREFIX = "deliver-";

  private final CamelContext context;
  private final List<String> only;
  private volatile List<String> last = List.of();

  /**
   * @param only the names to keep, or empty for every deliver route
   */
  public Destinations(CamelContext context, List<String> only) {
    this.context = context;
    this.only = List.copyOf(only);
  }

  @Override
  public List<String> get() {
    List<String> now =
        context.getRoutes().stream()
            .map(Route::getRouteId)
            .filter(id -> id.startsWith(PREFIX))
            .filter(id -> !context.getRouteController().getRouteStatus(id).isStopped())
            .map(id -> id.substring(PREFIX.length()))
            .filter(name -> only.isEmpty() || only.contains(name))
            .sorted()
            .toList();
    if (!now.equals(last)) {
      LOG.info("destinations: {}", now);
      last = now;
    }
    return now;
  }
}
