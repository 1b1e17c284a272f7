package dev.caravan.console;

import dev.caravan.ledger.Ledger;
import java.util.HashMap;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;

/**
 * Health changes into the ledger's history (event {@code health}, no file), so that the event
 * stream and anyone reading the history see when a check went DOWN and came back, and why. Called
 * by the observe route after each refresh of the figures.
 */
public final class HealthEvents {

  private final CamelContext context;
  private final Ledger ledger;
  private final Map<String, HealthCheck.State> last = new HashMap<>();

  public HealthEvents(CamelContext context, Ledger ledger) {
    this.context = context;
    this.ledger = ledger;
  }

  /** Records each check whose state changed since the last call (the first call records DOWNs). */
  public synchronized void record() {
    for (HealthCheck.Result r : HealthCheckHelper.invoke(context, "full")) {
      String id = r.getCheck().getId();
      HealthCheck.State before = last.put(id, r.getState());
      boolean changed =
          before == null ? r.getState() == HealthCheck.State.DOWN : before != r.getState();
      if (changed) {
        ledger.event(
            null, "health", id + " " + r.getState() + r.getMessage().map(m -> ": " + m).orElse(""));
      }
    }
  }
}
