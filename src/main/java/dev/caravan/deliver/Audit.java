package dev.caravan.deliver;

import dev.caravan.ledger.DeliveryQueue;
import dev.caravan.ledger.DeliveryRow;
import dev.caravan.ledger.DeliveryState;
import dev.caravan.ledger.Ledger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-verifies every copy the ledger calls verified, at its destination, with the delivery's own
 * read-back methods; optionally queues the missing and changed ones again. Used by {@code caravan
 * check} and by the scheduled {@code check} route.
 */
public final class Audit {

  private static final Logger LOG = LoggerFactory.getLogger("caravan.check");

  /** One copy that is not what the ledger says. */
  public record Bad(DeliveryRow delivery, String problem) {}

  /** What one audit found. */
  public record Result(int checked, List<Bad> bad) {}

  private final Ledger ledger;
  private final CopyChecker.Kinds kinds;

  public Audit(Ledger ledger, CopyChecker.Kinds kinds) {
    this.ledger = ledger;
    this.kinds = kinds;
  }

  /**
   * Checks every verified copy (of one destination, or all when null); with {@code repair}, the bad
   * ones are queued again (a changed copy is never overwritten: the new one gets the next name).
   */
  public Result run(String destination, boolean repair) {
    return run(destination, repair, (done, total) -> {});
  }

  /** Like {@link #run(String, boolean)}, telling {@code progress} (checked, total) as it goes. */
  public Result run(
      String destination,
      boolean repair,
      java.util.function.BiConsumer<Integer, Integer> progress) {
    DeliveryQueue queue = new DeliveryQueue(ledger, DeliveryQueue.Policy.DEFAULT);
    List<Bad> bad = new ArrayList<>();
    int checked = 0;
    List<DeliveryRow> verified =
        ledger.deliveries().stream()
            .filter(d -> d.state() == DeliveryState.VERIFIED)
            .filter(d -> destination == null || d.destination().equals(destination))
            .toList();
    try (CopyChecker checker = new CopyChecker(kinds)) {
      for (DeliveryRow d : verified) {
        checked++;
        progress.accept(checked, verified.size());
        Optional<String> problem = checker.problem(d);
        if (problem.isPresent()) {
          bad.add(new Bad(d, problem.get()));
          if (repair) {
            queue.redeliver(d.id(), "check: " + problem.get());
          }
        }
      }
    }
    return new Result(checked, bad);
  }

  /** The scheduled route's step: one WARN per bad copy and an INFO summary. */
  public Result scheduled(String destination, boolean repair) {
    Result r = run(destination == null || destination.isBlank() ? null : destination, repair);
    for (Bad b : r.bad()) {
      LOG.warn(
          "check: file {} {} {} -> {}:{}: {}{}",
          b.delivery().fileId(),
          b.delivery().fileName(),
          b.delivery().artifact(),
          b.delivery().destination(),
          b.delivery().remotePath(),
          b.problem(),
          repair ? " (queued again)" : "");
    }
    LOG.info("check: {} verified copies checked, {} bad", r.checked(), r.bad().size());
    return r;
  }
}
